import { afterAll, describe, expect, it } from "vitest";
import { ErrorBody } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../test/testServer.js";
import { failingTodoReads } from "../test/failingStore.js";

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

describe("an exception in a handler", () => {
  it("gives a generic 500 with no internals, and the process serves the next request", async () => {
    // The todo list's read fails once, as a disk failure would.
    const t = await startTestServer({}, undefined, { wrapStore: failingTodoReads(() => new Error("disk on fire at /var/secret/path"), 1) });
    servers.push(t);
    const c = t.client();
    await c.signup(uniqueEmail());
    const res = await c.get("/api/todos");
    expect(res.status).toBe(500);
    expect(ErrorBody.parse(res.body)).toEqual({ error: { code: "internal", message: "something went wrong on our side" } });
    expect(JSON.stringify(res.body)).not.toContain("secret");
    expect((await c.get("/api/todos")).status).toBe(200);
  });
});

describe("logs", () => {
  it("carry a request id and never a password, token, cookie or secret", async () => {
    const lines: string[] = [];
    const t = await startTestServer({ LOG_LEVEL: "trace", WEBHOOK_SECRET: "webhook-secret-never-logged-0123456789" }, undefined, { logLines: lines });
    servers.push(t);
    const c = t.client();
    const email = uniqueEmail();
    const password = "hunter2-but-longer";
    await c.signup(email, password);
    await c.post("/api/auth/login", { email, password: "wrong-password-x" });
    await c.post("/api/auth/login", { email, password });
    const token = (await c.post<{ token: string }>("/api/auth/tokens", { email, password, name: "cli" })).body.token;
    const ws = await c.get<{ uri: string }>("/api/websocket");
    const ticket = new URL(ws.body.uri).searchParams.get("ticket") ?? "";
    await fetch(`${t.url}/api/websocket/messages`, {
      method: "POST",
      headers: { authorization: "Bearer webhook-secret-never-logged-0123456789", "content-type": "application/json" },
      body: "{}",
    });
    const all = lines.join("\n");
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [password, "wrong-password-x", token, ticket, "webhook-secret-never-logged", c.cookie?.split("=")[1] ?? "no-cookie"]) {
      expect(all).not.toContain(secret);
    }
    const requestLines = lines.map((l) => JSON.parse(l) as { req?: { id?: string } }).filter((l) => l.req);
    expect(requestLines.length).toBeGreaterThan(0);
    for (const l of requestLines) expect(l.req?.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("session lifetime", () => {
  it("ends a session at its absolute timeout even while it is in use", async () => {
    const t = await startTestServer({ SESSION_IDLE_TIMEOUT_MS: "1500", SESSION_ABSOLUTE_TIMEOUT_MS: "1500" });
    servers.push(t);
    const c = t.client();
    await c.signup(uniqueEmail());
    const started = Date.now();
    while (Date.now() - started < 1000) {
      expect((await c.get("/api/auth/me")).status).toBe(200);
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, 700));
    expect((await c.get("/api/auth/me")).status).toBe(401);
  });

  it("rolls the cookie at most once per resolution (a tenth of the idle timeout), not on every request", async () => {
    const t = await startTestServer({ SESSION_IDLE_TIMEOUT_MS: "2000", SESSION_ABSOLUTE_TIMEOUT_MS: "60000" });
    servers.push(t);
    const c = t.client();
    await c.signup(uniqueEmail());
    const soon = await c.get("/api/auth/me");
    expect(soon.status).toBe(200);
    expect(soon.headers.getSetCookie()).toEqual([]);
    await new Promise((r) => setTimeout(r, 250));
    const later = await c.get("/api/auth/me");
    expect(later.headers.getSetCookie().join(";")).toMatch(/tandem\.sid=.*Expires=/);
  });

  it("ends an idle session after the idle timeout, and activity keeps it alive before that", async () => {
    const t = await startTestServer({ SESSION_IDLE_TIMEOUT_MS: "1000", SESSION_ABSOLUTE_TIMEOUT_MS: "60000" });
    servers.push(t);
    const active = t.client();
    const idle = t.client();
    await active.signup(uniqueEmail());
    await idle.signup(uniqueEmail());
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 300));
      expect((await active.get("/api/auth/me")).status).toBe(200);
    }
    expect((await idle.get("/api/auth/me")).status).toBe(401);
  });
});
