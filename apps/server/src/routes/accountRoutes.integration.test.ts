import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountExport, CloseCode, CreateTokenResponse, ErrorBody, SignOutReason, TokenListResponse } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";
import type { ApiClient } from "../../test/ApiClient.js";
import { SocketClient } from "../../test/SocketClient.js";
import { hashToken, newTokenSecret } from "../auth/apiTokens.js";

let t: TestServer;
const sockets: SocketClient[] = [];
beforeAll(async () => {
  t = await startTestServer({ LOGIN_MAX_FAILURES_PER_EMAIL_IP: "3", LOGIN_MAX_FAILURES_PER_IP: "1000", TOKENS_MAX_PER_USER: "3", SESSION_EXPIRY_CHECK_MS: "200" });
});
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await t.close();
});

const PASSWORD = "correct horse battery";
const errorCode = (body: unknown) => ErrorBody.parse(body).error.code;

async function open(client: ApiClient): Promise<SocketClient> {
  const socket = await SocketClient.open(client);
  sockets.push(socket);
  return socket;
}

async function person() {
  const email = uniqueEmail("account");
  const laptop = t.client();
  await laptop.signup(email, PASSWORD);
  const desktop = t.client();
  expect((await desktop.post("/api/auth/login", { email, password: PASSWORD })).status).toBe(200);
  const created = await t.client().post("/api/auth/tokens", { email, password: PASSWORD, name: "cli" });
  const app = t.client();
  app.bearer = CreateTokenResponse.parse(created.body).token;
  return { email, laptop, desktop, app };
}

describe("changing the password", () => {
  it("signs out every other device, and the current one goes on under a new session id", async () => {
    const { email, laptop, desktop, app } = await person();
    const desktopSocket = await open(desktop);
    const mySocket = await open(laptop);
    const oldCookie = laptop.cookie;
    const res = await laptop.post("/api/account/password", { currentPassword: PASSWORD, newPassword: "a brand new secret" });
    expect(res.status).toBe(204);
    expect(laptop.cookie).toBeDefined();
    expect(laptop.cookie).not.toBe(oldCookie);

    expect(await desktopSocket.untilClosed()).toEqual({ code: CloseCode.SIGNED_OUT, reason: SignOutReason.PASSWORD_CHANGED });
    expect((await desktop.get("/api/auth/me")).status).toBe(401);
    expect((await app.get("/api/auth/me")).status).toBe(401);
    // This tab's socket was opened under the old id: it is told to reconnect, and can.
    expect((await mySocket.untilClosed()).code).toBe(CloseCode.SESSION_RENEWED);
    expect((await laptop.get("/api/auth/me")).status).toBe(200);
    expect((await t.client().withCookie(oldCookie).get("/api/auth/me")).status).toBe(401);
    const again = await open(laptop);
    expect(again.closed).toBeUndefined();
    // Still the same device, kept in the roster under its name.
    const { devices } = (await laptop.get<{ devices: { current: boolean }[] }>("/api/account/devices")).body;
    expect(devices.map((d) => d.current)).toEqual([true]);

    expect((await t.client().post("/api/auth/login", { email, password: PASSWORD })).status).toBe(401);
    expect((await t.client().post("/api/auth/login", { email, password: "a brand new secret" })).status).toBe(200);
  });

  it("refuses a wrong current password with 401, throttled like sign-in, and a weak new one with 400", async () => {
    const { laptop, desktop } = await person();
    const weak = await laptop.post("/api/account/password", { currentPassword: PASSWORD, newPassword: "short" });
    expect(weak.status).toBe(400);
    expect(errorCode(weak.body)).toBe("validation_failed");
    for (let i = 0; i < 3; i++) {
      const wrong = await laptop.post("/api/account/password", { currentPassword: "not it at all", newPassword: "a brand new secret" });
      expect(wrong.status).toBe(401);
      expect(errorCode(wrong.body)).toBe("invalid_credentials");
    }
    const throttled = await laptop.post("/api/account/password", { currentPassword: PASSWORD, newPassword: "a brand new secret" });
    expect(throttled.status).toBe(429);
    // Nothing changed: the other device is still signed in.
    expect((await desktop.get("/api/auth/me")).status).toBe(200);
    expect((await t.client().post("/api/account/password", { currentPassword: PASSWORD, newPassword: "a brand new secret" })).status).toBe(401);
  });
});

describe("export", () => {
  it("downloads the account, its devices and every todo as a JSON attachment", async () => {
    const { email, laptop } = await person();
    await laptop.post("/api/todos", { text: "milk" });
    await laptop.post("/api/todos", { text: "eggs" });
    const res = await laptop.get("/api/account/export");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="?tandem-export-\d{4}-\d{2}-\d{2}\.json"?$/);
    const data = AccountExport.parse(res.body);
    expect(data.account.email).toBe(email);
    expect(data.todos.map((todo) => todo.text)).toEqual(["milk", "eggs"]);
    expect(data.devices.map((d) => d.kind).sort()).toEqual(["session", "session", "token"]);
    expect((await t.client().get("/api/account/export")).status).toBe(401);
  });
});

describe("deleting the account", () => {
  it("needs the password, then removes everything and closes every socket; the email can sign up anew", async () => {
    const { email, laptop, desktop, app } = await person();
    await laptop.post("/api/todos", { text: "milk" });
    const desktopSocket = await open(desktop);
    const wrong = await laptop.request("DELETE", "/api/account", { json: { password: "not my password" } });
    expect(wrong.status).toBe(401);
    expect((await laptop.request("DELETE", "/api/account", { json: {} })).status).toBe(400);

    const userId = (await t.store.users.findByEmail(email))!.id;
    const res = await laptop.request("DELETE", "/api/account", { json: { password: PASSWORD } });
    expect(res.status).toBe(204);
    expect(await desktopSocket.untilClosed()).toEqual({ code: CloseCode.SIGNED_OUT, reason: SignOutReason.ACCOUNT_DELETED });
    for (const client of [laptop, desktop, app]) expect((await client.get("/api/auth/me")).status).toBe(401);
    expect(await t.store.users.findByEmail(email)).toBeNull();
    expect(await t.store.sessions.listByUser(userId, Date.now())).toEqual([]);
    expect(await t.store.tokens.list(userId, new Date().toISOString())).toEqual([]);
    expect((await t.store.todos.read(userId, { todos: true })).todos).toEqual([]);

    const login = await t.client().post("/api/auth/login", { email, password: PASSWORD });
    expect(login.status).toBe(401);
    expect(errorCode(login.body)).toBe("invalid_credentials");
    await t.client().signup(email, "a fresh start here");
  });
});

describe("API token expiry and cap", () => {
  it("gives a token 90 days by default, takes 1-365, and refuses more", async () => {
    const email = uniqueEmail("tokens");
    await t.client().signup(email, PASSWORD);
    const made = CreateTokenResponse.parse((await t.client().post("/api/auth/tokens", { email, password: PASSWORD, name: "a" })).body);
    const days = (Date.parse(made.info.expiresAt) - Date.parse(made.info.createdAt)) / 86_400_000;
    expect(days).toBe(90);
    const week = CreateTokenResponse.parse((await t.client().post("/api/auth/tokens", { email, password: PASSWORD, name: "b", expiresInDays: 7 })).body);
    expect((Date.parse(week.info.expiresAt) - Date.parse(week.info.createdAt)) / 86_400_000).toBe(7);
    const tooLong = await t.client().post("/api/auth/tokens", { email, password: PASSWORD, name: "c", expiresInDays: 366 });
    expect(tooLong.status).toBe(400);

    expect((await t.client().post("/api/auth/tokens", { email, password: PASSWORD, name: "c" })).status).toBe(201);
    const over = await t.client().post("/api/auth/tokens", { email, password: PASSWORD, name: "d" });
    expect(over.status).toBe(409);
    expect(errorCode(over.body)).toBe("limit_reached");
    expect(ErrorBody.parse(over.body).error.message).toMatch(/3 API tokens/);
  });

  it("answers 401 once a token has expired, and closes its sockets within the check interval", async () => {
    const email = uniqueEmail("expiry");
    const user = await t.client().signup(email, PASSWORD);
    const secret = newTokenSecret();
    const now = new Date();
    await t.store.tokens.create(
      { userId: user.id, name: "short-lived", tokenHash: hashToken(secret), createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + 1_500).toISOString() },
      { maxLive: 50, now: now.toISOString() },
    );
    const app = t.client();
    app.bearer = secret;
    expect((await app.get("/api/auth/me")).status).toBe(200);
    const socket = await open(app);
    expect(await socket.untilClosed(5_000)).toEqual({ code: CloseCode.SIGNED_OUT, reason: SignOutReason.TOKEN_EXPIRED });
    expect((await app.get("/api/auth/me")).status).toBe(401);
    const signedIn = t.client();
    await signedIn.post("/api/auth/login", { email, password: PASSWORD });
    expect(TokenListResponse.parse((await signedIn.get("/api/auth/tokens")).body).tokens).toEqual([]);
  });
});
