import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloseCode, ErrorBody, PASSWORD_RESET_PAGE_PATH, SignOutReason } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";
import { SocketClient } from "../../test/SocketClient.js";
import { Mailbox, type Mail } from "../../test/mailbox.js";

let t: TestServer;
let mailbox: Mailbox;
const sockets: SocketClient[] = [];
beforeAll(async () => {
  mailbox = await Mailbox.start();
  t = await startTestServer({ SMTP_URL: mailbox.url, MAIL_FROM: "Tandem <tandem@example.com>", PASSWORD_RESET_MAX_PER_EMAIL_PER_HOUR: "2" });
});
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await t.close();
  await mailbox.close();
});

const PASSWORD = "correct horse battery";
const errorCode = (body: unknown) => ErrorBody.parse(body).error.code;

/** The link in a reset mail, as the person's mail client would open it. */
function linkIn(mail: Mail): URL {
  const match = /https?:\/\/\S+/.exec(mail.text);
  if (!match) throw new Error(`no link in:\n${mail.text}`);
  return new URL(match[0]);
}

describe("password reset by email", () => {
  it("mails a single-use link to the app's page; using it sets the password and signs every device out", async () => {
    const email = uniqueEmail("reset");
    const laptop = t.client();
    await laptop.signup(email, PASSWORD);
    const socket = await SocketClient.open(laptop);
    sockets.push(socket);

    const asked = await t.client().post("/api/auth/password-reset", { email: email.toUpperCase() });
    expect(asked.status).toBe(202);
    const mail = await mailbox.next(email);
    expect(mail.text).toMatch(/From: Tandem <tandem@example\.com>/);
    const link = linkIn(mail);
    expect(`${link.origin}${link.pathname}`).toBe(`${t.url}${PASSWORD_RESET_PAGE_PATH}`);
    const token = link.searchParams.get("token") ?? "";

    const weak = await t.client().post("/api/auth/password-reset/confirm", { token, newPassword: "short" });
    expect(weak.status).toBe(400);
    expect((await t.client().post("/api/auth/password-reset/confirm", { token, newPassword: "chosen anew today" })).status).toBe(204);
    expect(await socket.untilClosed()).toEqual({ code: CloseCode.SIGNED_OUT, reason: SignOutReason.PASSWORD_RESET });
    expect((await laptop.get("/api/auth/me")).status).toBe(401);
    expect((await t.client().post("/api/auth/login", { email, password: PASSWORD })).status).toBe(401);
    expect((await t.client().post("/api/auth/login", { email, password: "chosen anew today" })).status).toBe(200);

    const again = await t.client().post("/api/auth/password-reset/confirm", { token, newPassword: "and once more" });
    expect(again.status).toBe(400);
    expect(errorCode(again.body)).toBe("invalid_reset_token");
  });

  it("answers 202 for an unknown email and sends nothing; an address gets at most its hourly share", async () => {
    const unknown = uniqueEmail("nobody");
    expect((await t.client().post("/api/auth/password-reset", { email: unknown })).status).toBe(202);
    const email = uniqueEmail("often");
    await t.client().signup(email, PASSWORD);
    for (let i = 0; i < 3; i++) expect((await t.client().post("/api/auth/password-reset", { email })).status).toBe(202);
    await mailbox.next(email, 1);
    // A marker mail sent after the refused third one: once it is in, the third would have been too.
    const marker = uniqueEmail("marker");
    await t.client().signup(marker, PASSWORD);
    await t.client().post("/api/auth/password-reset", { email: marker });
    await mailbox.next(marker);
    expect(mailbox.to(email)).toHaveLength(2);
    expect(mailbox.to(unknown)).toHaveLength(0);
    // Both links sent work until one is used: then both are spent.
    const [first, second] = mailbox.to(email).map((m) => linkIn(m).searchParams.get("token") ?? "");
    expect((await t.client().post("/api/auth/password-reset/confirm", { token: second, newPassword: "the second one" })).status).toBe(204);
    expect((await t.client().post("/api/auth/password-reset/confirm", { token: first, newPassword: "the first one" })).status).toBe(400);
  });

  it("refuses an expired link, and a malformed request", async () => {
    const email = uniqueEmail("expired");
    const user = await t.client().signup(email, PASSWORD);
    const secret = "an-expired-secret-for-this-test";
    const now = Date.now();
    await t.store.passwordResets.create({ tokenHash: createHash("sha256").update(secret).digest("hex"), userId: user.id, expiresAt: now - 1 }, now - 2);
    const res = await t.client().post("/api/auth/password-reset/confirm", { token: secret, newPassword: "too late for this" });
    expect(res.status).toBe(400);
    expect(errorCode(res.body)).toBe("invalid_reset_token");
    expect((await t.client().post("/api/auth/login", { email, password: PASSWORD })).status).toBe(200);
    expect((await t.client().post("/api/auth/password-reset", { email: "not an email" })).status).toBe(400);
    expect((await t.client().post("/api/auth/password-reset", { email, extra: 1 })).status).toBe(400);
  });
});

describe("password reset without SMTP", () => {
  it("in development, writes the mail with its link to the log; past the hourly share per client, 429", async () => {
    const logLines: string[] = [];
    const dev = await startTestServer({ PASSWORD_RESET_MAX_PER_IP_PER_HOUR: "2", LOG_LEVEL: "info" }, undefined, { logLines });
    try {
      const email = uniqueEmail("devmail");
      await dev.client().signup(email, PASSWORD);
      expect((await dev.client().post("/api/auth/password-reset", { email })).status).toBe(202);
      const deadline = Date.now() + 5_000;
      while (!logLines.some((l) => l.includes(PASSWORD_RESET_PAGE_PATH)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(logLines.find((l) => l.includes(PASSWORD_RESET_PAGE_PATH))).toContain(`${PASSWORD_RESET_PAGE_PATH}?token=`);
      expect((await dev.client().post("/api/auth/password-reset", { email })).status).toBe(202);
      const limited = await dev.client().post("/api/auth/password-reset", { email });
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    } finally {
      await dev.close();
    }
  });

  it("in production, says at start that reset is off, and the routes answer 404", async () => {
    const logLines: string[] = [];
    const prod = await startTestServer(
      { NODE_ENV: "production", PUBLIC_URL: "https://todo.example.com", ALLOW_EMBEDDED_DB: "1", BCRYPT_COST: "10", LOG_LEVEL: "info" },
      undefined,
      { logLines },
    );
    try {
      expect(logLines.some((l) => l.includes("password reset is off"))).toBe(true);
      const res = await prod.client({ origin: "https://todo.example.com" }).post("/api/auth/password-reset", { email: "a@example.com" });
      expect(res.status).toBe(404);
    } finally {
      await prod.close();
    }
  });
});
