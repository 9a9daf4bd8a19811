import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorBody, TodoListResponse, TodoResponse } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";
import type { ApiClient } from "../../test/ApiClient.js";

const RATE = 1;
const BURST = 4;
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ WRITE_RATE_PER_USER: String(RATE), WRITE_BURST_PER_USER: String(BURST) });
});
afterAll(() => t.close());

async function signedIn() {
  const c = t.client();
  await c.signup(uniqueEmail());
  return c;
}

/** Creates todos until the user's writes are refused; returns the refusal and how many were created. */
async function exhaust(c: ApiClient) {
  let created = 0;
  // However the windows fall, a few dozen writes in a row outrun one write a second.
  for (let i = 0; i < 40; i++) {
    const res = await c.post("/api/todos", { text: `t${i}` });
    if (res.status !== 201) return { refused: res, created };
    created += 1;
  }
  throw new Error("40 writes in a row were never refused");
}

describe("WRITE_RATE_PER_USER and WRITE_BURST_PER_USER", () => {
  it("let a burst through, then answer 429 + Retry-After; writes work again once it has passed", async () => {
    const c = await signedIn();
    const { refused, created } = await exhaust(c);
    expect(refused.status).toBe(429);
    expect(ErrorBody.parse(refused.body).error.code).toBe("too_many_requests");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
    // The steady rate and the whole burst came first.
    expect(created).toBeGreaterThanOrEqual(RATE + BURST);
    // Reads are not limited, and nothing refused was written.
    const list = await c.get("/api/todos");
    expect(list.status).toBe(200);
    expect(TodoListResponse.parse(list.body).todos).toHaveLength(created);

    await sleep(retryAfter * 1000);
    const later = await c.post("/api/todos", { text: "after the wait" });
    expect(later.status).toBe(201);
    expect(TodoResponse.parse(later.body).todo.text).toBe("after the wait");
  });

  it("limit every kind of write", async () => {
    const c = await signedIn();
    const kinds: [string, () => Promise<number>][] = [
      ["update", async () => (await c.patch(`/api/todos/${await someTodo(c)}`, { done: true })).status],
      ["delete", async () => (await c.delete(`/api/todos/${await someTodo(c)}`)).status],
      ["toggle-all", async () => (await c.post("/api/todos/toggle-all", { done: true })).status],
      ["clear completed", async () => (await c.delete("/api/todos?done=true")).status],
    ];
    for (const [kind, write] of kinds) {
      // A window may roll over between the refusal and the write: then exhaust the limit again.
      let status = 0;
      for (let attempt = 0; attempt < 5 && status !== 429; attempt++) {
        await exhaust(c);
        status = await write();
      }
      expect(status, kind).toBe(429);
    }
  });

  it("count each user on their own", async () => {
    const busy = await signedIn();
    expect((await exhaust(busy)).refused.status).toBe(429);
    const calm = await signedIn();
    expect((await calm.post("/api/todos", { text: "mine" })).status).toBe(201);
  });
});

async function someTodo(c: ApiClient): Promise<string> {
  const [todo] = TodoListResponse.parse((await c.get("/api/todos")).body).todos;
  if (todo === undefined) throw new Error("no todo to write to");
  return todo.id;
}
