import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorBody } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";
import type { ApiResponse } from "../../test/ApiClient.js";
import { failingTodoReads } from "../../test/failingStore.js";
import { storeUnavailable } from "../store/storeErrors.js";

/**
 * What a client sees of each error the server raises on purpose: status, code, message (and
 * `Retry-After` where there is one). These are part of the API: clients map the codes to UI and
 * people read the messages, so none may change by accident.
 */
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function start(...args: Parameters<typeof startTestServer>): Promise<TestServer> {
  const t = await startTestServer(...args);
  servers.push(t);
  return t;
}

function answer(res: ApiResponse): { status: number; error: ErrorBody["error"]; retryAfter: string | null } {
  return { status: res.status, error: ErrorBody.parse(res.body).error, retryAfter: res.headers.get("retry-after") };
}

const refusal = (status: number, code: ErrorBody["error"]["code"], message: string) => ({ status, error: { code, message }, retryAfter: null });

let t: TestServer;
beforeAll(async () => {
  t = await start({ LOGIN_MAX_FAILURES_PER_EMAIL_IP: "1", LOGIN_MAX_FAILURES_PER_IP: "1000", JSON_BODY_LIMIT_BYTES: "1024" });
});

describe("errors of the API's edge", () => {
  it("an unknown route, an unreadable body, a foreign origin, a signed-out request", async () => {
    const c = t.client();
    expect(answer(await c.post("/api/nope", {}))).toEqual(refusal(404, "not_found", "no such route"));
    expect(answer(await c.request("POST", "/api/auth/login", { body: "email=a", headers: { "content-type": "text/plain" } }))).toEqual(
      refusal(415, "unsupported_media_type", "send the body as application/json"),
    );
    expect(answer(await c.request("POST", "/api/auth/login", { body: "{", headers: { "content-type": "application/json" } }))).toEqual(
      refusal(400, "bad_request", "the request body is not valid JSON"),
    );
    expect(answer(await c.post("/api/auth/login", { email: "x".repeat(2048) }))).toEqual(
      refusal(413, "payload_too_large", "the request body is too large"),
    );
    expect(answer(await c.request("POST", "/api/auth/login", { json: {}, headers: { origin: "https://evil.example" } }))).toEqual(
      refusal(403, "forbidden", "cross-origin request refused"),
    );
    expect(answer(await c.get("/api/todos"))).toEqual(refusal(401, "unauthorized", "sign in first"));
  });

  it("a body that fails its schema lists every problem", async () => {
    const res = answer(await t.client().post("/api/auth/signup", { email: "not-an-email" }));
    expect(res).toMatchObject({ status: 400, error: { code: "validation_failed", message: "the request body is not valid" } });
    expect(res.error.details?.map((d) => d.path).sort()).toEqual(["email", "password"]);
  });
});

describe("errors of accounts and credentials", () => {
  it("bearer tokens, wrong passwords, throttling, taken emails, unknown tokens", async () => {
    const c = t.client();
    c.bearer = "not-a-token";
    expect(answer(await c.get("/api/auth/me"))).toEqual(refusal(401, "unauthorized", "malformed bearer token"));
    c.bearer = `tdm_${"A".repeat(43)}`;
    expect(answer(await c.get("/api/auth/me"))).toEqual(refusal(401, "unauthorized", "this token is not valid"));

    const email = uniqueEmail();
    const owner = t.client();
    await owner.signup(email, "the right password");
    const guess = () => t.client().post("/api/auth/login", { email, password: "a wrong password" });
    expect(answer(await guess())).toEqual(refusal(401, "invalid_credentials", "email or password is wrong"));
    const throttled = answer(await guess());
    expect(throttled).toMatchObject({ status: 429, error: { code: "too_many_requests" } });
    // Said once, in minutes; Retry-After carries the exact seconds for programs.
    const minutes = /^too many attempts, try again in (\d+) minutes?$/.exec(throttled.error.message)?.[1];
    expect(Number(minutes)).toBeGreaterThan(0);
    expect(Math.ceil(Number(throttled.retryAfter) / 60)).toBe(Number(minutes));

    expect(answer(await t.client().post("/api/auth/signup", { email, password: "another password" }))).toEqual(
      refusal(409, "email_taken", "an account with this email already exists"),
    );
    expect(answer(await owner.delete("/api/auth/tokens/no-such-token"))).toEqual(refusal(404, "not_found", "no such token"));
  });

  it("signing in over plain HTTP where cookies are Secure", async () => {
    const production = await start({ NODE_ENV: "production", PUBLIC_URL: "https://todo.example.test", ALLOW_EMBEDDED_DB: "1", BCRYPT_COST: "10" });
    expect(answer(await production.client().post("/api/auth/signup", { email: uniqueEmail(), password: "long enough" }))).toEqual(
      refusal(403, "forbidden", "sign in over HTTPS: the session cookie is only sent over it"),
    );
  });
});

describe("errors of todos and the webhook", () => {
  it("unknown todos and ids another user holds", async () => {
    const a = t.client();
    await a.signup(uniqueEmail());
    const b = t.client();
    await b.signup(uniqueEmail());
    expect(answer(await a.patch("/api/todos/not-a-uuid", { done: true }))).toEqual(refusal(404, "not_found", "no such todo"));
    expect(answer(await a.patch(`/api/todos/${randomUUID()}`, { done: true }))).toEqual(refusal(404, "not_found", "no such todo"));
    expect(answer(await a.delete(`/api/todos/${randomUUID()}`))).toEqual(refusal(404, "not_found", "no such todo"));
    const id = randomUUID();
    expect((await a.post("/api/todos", { id, text: "mine" })).status).toBe(201);
    expect(answer(await b.post("/api/todos", { id, text: "yours?" }))).toEqual(refusal(409, "id_taken", "this id cannot be used"));
  });

  it("a malformed X-Device-Id: one answer, for writes and for the socket grant alike", async () => {
    const c = t.client();
    await c.signup(uniqueEmail());
    const headers = { "x-device-id": "bad id!" };
    const expected = {
      status: 400,
      error: {
        code: "validation_failed",
        message: "the X-Device-Id header is not valid",
        details: [{ path: "X-Device-Id", message: "device id must be 8-64 characters of A-Z, a-z, 0-9, _ or -" }],
      },
      retryAfter: null,
    };
    expect(answer(await c.request("POST", "/api/todos", { json: { text: "x" }, headers }))).toEqual(expected);
    expect(answer(await c.request("PATCH", `/api/todos/${randomUUID()}`, { json: { done: true }, headers }))).toEqual(expected);
    expect(answer(await c.request("GET", "/api/websocket", { headers }))).toEqual(expected);
  });

  it("the webhook without a configured secret, and with a wrong one", async () => {
    const post = (url: string) =>
      fetch(`${url}/api/websocket/messages`, { method: "POST", headers: { authorization: "Bearer wrong", "content-type": "application/json" }, body: "{}" });
    const unconfigured = await post(t.url);
    expect({ status: unconfigured.status, body: await unconfigured.json() }).toEqual({ status: 404, body: { error: { code: "not_found", message: "no such route" } } });
    const configured = await start({ WEBHOOK_SECRET: "webhook-secret-0123456789abcdef0123456789" });
    const wrong = await post(configured.url);
    expect({ status: wrong.status, body: await wrong.json() }).toEqual({
      status: 401,
      body: { error: { code: "unauthorized", message: "wrong webhook secret" } },
    });
  });
});

describe("a database outage", () => {
  const outage = { status: 503, error: { code: "unavailable", message: "the database is unavailable, try again shortly" }, retryAfter: "5" };

  it("is 503 unavailable with Retry-After: 5", async () => {
    const down = await start({}, undefined, { wrapStore: failingTodoReads(() => storeUnavailable(new Error("connection refused"))) });
    const c = down.client();
    await c.signup(uniqueEmail());
    expect(answer(await c.get("/api/todos"))).toEqual(outage);
  });
});

describe("client errors that Express and its middleware raise", () => {
  let web: TestServer;
  let dist: string;
  const lines: string[] = [];
  beforeAll(async () => {
    dist = mkdtempSync(path.join(tmpdir(), "tandem-web-"));
    mkdirSync(path.join(dist, "assets"));
    writeFileSync(path.join(dist, "index.html"), "<!doctype html><title>Tandem</title>");
    writeFileSync(path.join(dist, "assets", "index-1a2b3c4d.js"), "console.log('this deploy');");
    web = await start({ WEB_DIST_DIR: dist, LOG_LEVEL: "info" }, undefined, { logLines: lines });
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  /** The log lines of the requests to `target`, as pino wrote them. */
  function logsOf(target: string): { level: number; msg: string; stack?: unknown; err?: unknown }[] {
    return lines
      .map((line) => JSON.parse(line) as { level: number; msg: string; req?: { path?: string } })
      .filter((line) => line.req?.path === target);
  }

  /** Answered with the refusal's own 4xx, logged at info (never at error, never with a stack). */
  function expectRefusedAtInfo(target: string, status: number): void {
    const logged = logsOf(target);
    expect(logged.map((l) => l.level)).toContain(30);
    expect(logged.filter((l) => l.level >= 50)).toEqual([]);
    expect(JSON.stringify(logged)).not.toContain("stack");
    expect(logged).toContainEqual(expect.objectContaining({ level: 30, msg: "request refused by the framework", status }));
  }

  it("a path that is not valid percent-encoding is a 400, on the API and on the web app alike", async () => {
    const c = web.client();
    await c.signup(uniqueEmail());
    expect(answer(await c.patch("/api/todos/%E0%A4%A", { done: true }))).toEqual(refusal(400, "bad_request", "bad request"));
    expect(answer(await c.get("/assets/%E0%A4%A"))).toEqual(refusal(400, "bad_request", "bad request"));
    expectRefusedAtInfo("/api/todos/%E0%A4%A", 400);
    expectRefusedAtInfo("/assets/%E0%A4%A", 400);
    // The server is none the worse for it.
    expect((await c.get("/api/todos")).status).toBe(200);
  });

  it("a hashed asset that is not there (a previous deploy's, say) is a 404", async () => {
    const c = web.client();
    const present = await c.get("/assets/index-1a2b3c4d.js");
    expect(present.status).toBe(200);
    expect(answer(await c.get("/assets/index-00000000.js"))).toEqual(refusal(404, "not_found", "not found"));
    expectRefusedAtInfo("/assets/index-00000000.js", 404);
  });
});
