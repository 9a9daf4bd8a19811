import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { JSON_SLICE_ITEMS, sendJsonInSlices } from "./sendJsonInSlices.js";

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** Serves the same body twice: `/json` with res.json, `/sliced` with sendJsonInSlices. */
async function serve(body: { list: unknown[] } & Record<string, unknown>, onSliced?: (ended: boolean) => void) {
  const app = express();
  app.get("/json", (_req, res) => {
    res.json(body);
  });
  app.get("/sliced", async (_req, res) => {
    await sendJsonInSlices(res, body, "list");
    onSliced?.(res.writableEnded);
  });
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const item = (i: number) => ({ id: i, text: `todo ${i} "quoted" \u2028 ✓ ${"x".repeat(i % 50)}`, done: i % 3 === 0, nested: { at: [i] } });

describe("sendJsonInSlices", () => {
  it.each([0, 1, JSON_SLICE_ITEMS, JSON_SLICE_ITEMS + 1, 3 * JSON_SLICE_ITEMS + 7])("sends exactly what res.json sends, for %i items", async (count) => {
    const body = { before: "a", list: Array.from({ length: count }, (_, i) => item(i)), seq: 42, after: { list: [] } };
    const url = await serve(body);
    const [json, sliced] = await Promise.all([fetch(`${url}/json`), fetch(`${url}/sliced`)]);
    expect(sliced.status).toBe(200);
    expect(sliced.headers.get("content-type")).toBe(json.headers.get("content-type"));
    expect(await sliced.text()).toBe(await json.text());
  });

  it("stops serialising when the client goes away", async () => {
    const body = { list: Array.from({ length: 200 * JSON_SLICE_ITEMS }, (_, i) => item(i)) };
    let finished!: (ended: boolean) => void;
    const done = new Promise<boolean>((resolve) => (finished = resolve));
    const url = await serve(body, finished);
    await new Promise<void>((resolve, reject) => {
      http
        .get(`${url}/sliced`, (res) => {
          // Read one chunk, then hang up.
          res.once("data", () => {
            res.destroy();
            resolve();
          });
        })
        .once("error", reject);
    });
    // The handler returns without ever ending the answer: it did not go on serialising all
    // 50,000 items into a closed socket.
    expect(await done).toBe(false);
  });
});
