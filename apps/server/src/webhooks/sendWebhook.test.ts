import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendWebhook } from "./sendWebhook.js";
import type { Resolve } from "./targetAddress.js";

/** A loopback endpoint whose answer each test sets. */
let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;
const seen: { url: string | undefined; host: string | undefined; body: string }[] = [];
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c: Buffer) => (body += c.toString()));
  req.on("end", () => {
    seen.push({ url: req.url, host: req.headers.host, body });
    handler(req, res);
  });
});
let port = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

// "hooks.invalid" resolves nowhere in real DNS (RFC 6761): only through this resolver.
const toLoopback: Resolve = async () => [{ address: "127.0.0.1", family: 4 }];
const options = { timeoutMs: 2000, maxResponseBytes: 16, allowPrivate: true, resolve: toLoopback };

describe("sendWebhook", () => {
  it("connects to the address it resolved and checked (nothing resolves the name again), with the Host header of the URL", async () => {
    seen.length = 0;
    handler = (_req, res) => res.writeHead(200).end("thanks");
    const result = await sendWebhook(new URL(`http://hooks.invalid:${port}/in`), { "webhook-id": "msg_1" }, '{"a":1}', options);
    expect(result).toEqual({ status: 200, responseBody: "thanks" });
    expect(seen).toEqual([{ url: "/in", host: `hooks.invalid:${port}`, body: '{"a":1}' }]);
  });

  it("does not follow a redirect: the 3xx is the attempt's answer and its target is never asked", async () => {
    seen.length = 0;
    handler = (req, res) => (req.url === "/moved" ? res.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end() : res.writeHead(200).end());
    const result = await sendWebhook(new URL(`http://hooks.invalid:${port}/moved`), {}, "{}", options);
    expect(result).toMatchObject({ status: 302 });
    expect(seen.map((s) => s.url)).toEqual(["/moved"]);
  });

  it("keeps only the first maxResponseBytes of the answer", async () => {
    handler = (_req, res) => res.writeHead(500).end("x".repeat(100_000));
    expect(await sendWebhook(new URL(`http://hooks.invalid:${port}/`), {}, "{}", options)).toEqual({ status: 500, responseBody: "x".repeat(16) });
  });

  it("gives up after timeoutMs", async () => {
    handler = () => {}; // never answers
    const result = await sendWebhook(new URL(`http://hooks.invalid:${port}/`), {}, "{}", { ...options, timeoutMs: 200 });
    expect(result).toEqual({ error: "timed out after 200 ms", responseBody: null });
  });

  it("refuses, without connecting, a name that resolves to a non-public address unless private targets are allowed", async () => {
    seen.length = 0;
    const result = await sendWebhook(new URL(`http://hooks.invalid:${port}/`), {}, "{}", { ...options, allowPrivate: false });
    expect(result).toEqual({ error: "refused: hooks.invalid resolves to 127.0.0.1, which is not a public address", responseBody: null });
    expect(seen).toEqual([]);
  });

  it("reports a connection that fails", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await sendWebhook(new URL(`http://hooks.invalid:${deadPort}/`), {}, "{}", options);
    expect(result).toMatchObject({ responseBody: null });
    expect("error" in result && result.error).toMatch(/ECONNREFUSED/);
  });
});
