import type { Request, Response } from "express";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../store/sqlite/SqliteStore.js";
import { SESSION_COOKIE, Sessions, type SessionSettings } from "./sessions.js";

// The HTTP behaviour (sign-in, rolling, timeouts over real requests) is in the integration tests;
// this is what those cannot see: what is stored, and what a forged cookie gets.

const SETTINGS: SessionSettings = { key: "k".repeat(32), idleMs: 10_000, absoluteMs: 60_000, secureCookie: false };

let store: SqliteStore;
let userId: string;
beforeEach(async () => {
  store = new SqliteStore({ file: ":memory:" });
  await store.init();
  userId = (await store.users.create({ email: "s@example.com", passwordHash: "h" })).id;
});
afterEach(() => store.close());

/** Just what Sessions touches of a request and a response. */
function exchange(cookie?: string, secure = false) {
  const setCookies: string[] = [];
  const req = { headers: cookie === undefined ? {} : { cookie }, secure } as Request;
  const res = {
    append(name: string, value: string) {
      if (name === "Set-Cookie") setCookies.push(value);
      return this;
    },
    clearCookie(name: string) {
      setCookies.push(`${name}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT`);
      return this;
    },
  } as unknown as Response;
  return { req, res, setCookies };
}

async function signIn(sessions: Sessions, now = Date.now()) {
  const { req, res, setCookies } = exchange();
  const session = await sessions.start(req, res, userId, null, now);
  const secret = /^tandem\.sid=([^;]+)/.exec(setCookies[0] ?? "")?.[1] ?? "";
  return { session, secret, cookie: `${SESSION_COOKIE}=${secret}`, setCookie: setCookies[0] ?? "" };
}

describe("Sessions", () => {
  it("keeps only a keyed hash of the cookie's secret, and a new key opens nothing", async () => {
    const sessions = new Sessions(store.sessions, SETTINGS);
    const { session, secret, cookie, setCookie } = await signIn(sessions);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(session.id).not.toContain(secret);
    expect(session.id).toBe(sessions.idOf(secret));
    expect(await store.sessions.find(session.id, Date.now())).toMatchObject({ userId });

    const { req, res } = exchange(cookie);
    expect(await sessions.resolve(req, res)).toEqual({ id: session.id, userId, deviceId: session.deviceId, user: { id: userId, email: "s@example.com" } });
    const rotated = new Sessions(store.sessions, { ...SETTINGS, key: "z".repeat(32) });
    expect(await rotated.resolve(req, res)).toBeNull();
  });

  it("finds nothing for no cookie, a malformed one, or a well-formed secret it never issued", async () => {
    const sessions = new Sessions(store.sessions, SETTINGS);
    await signIn(sessions);
    for (const cookie of [undefined, "other=1", `${SESSION_COOKIE}=`, `${SESSION_COOKIE}=short`, `${SESSION_COOKIE}=${"A".repeat(43)}`]) {
      const { req, res, setCookies } = exchange(cookie);
      expect(await sessions.resolve(req, res)).toBeNull();
      // A dead cookie is not cleared: another tab may just have been given a fresh one.
      expect(setCookies).toEqual([]);
    }
  });

  it("rolls the expiry at most once per resolution, and sends the cookie again when it does", async () => {
    const sessions = new Sessions(store.sessions, SETTINGS);
    const t0 = Date.now();
    const { session, cookie } = await signIn(sessions, t0);
    // The resolution is a tenth of the idle timeout: 1 s here.
    const soon = exchange(cookie);
    await sessions.resolve(soon.req, soon.res, t0 + 900);
    expect(soon.setCookies).toEqual([]);
    expect((await store.sessions.find(session.id, t0))?.expiresAt).toBe(t0 + 10_000);

    const later = exchange(cookie);
    await sessions.resolve(later.req, later.res, t0 + 1_000);
    expect(later.setCookies).toHaveLength(1);
    expect(later.setCookies[0]).toContain(new Date(t0 + 11_000).toUTCString());
    expect((await store.sessions.find(session.id, t0))?.expiresAt).toBe(t0 + 11_000);
  });

  it("never lets the idle expiry pass the absolute lifetime, and ends the session there", async () => {
    const sessions = new Sessions(store.sessions, { ...SETTINGS, absoluteMs: 15_000 });
    const t0 = Date.now();
    const { session, cookie } = await signIn(sessions, t0);
    const sent: string[] = [];
    for (let t = t0 + 5_000; t < t0 + 15_000; t += 5_000) {
      const { req, res, setCookies } = exchange(cookie);
      expect(await sessions.resolve(req, res, t)).not.toBeNull();
      sent.push(...setCookies);
    }
    // Rolled at +5 s to +15 s (the absolute end), not +15 s and then +20 s: neither the row nor
    // the cookie outlives the absolute lifetime, and once there it is not rolled again.
    expect((await store.sessions.find(session.id, t0))?.expiresAt).toBe(t0 + 15_000);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain(new Date(t0 + 15_000).toUTCString());
    // So a socket upgrade, which only asks the store, sees it gone too.
    expect(await store.sessions.find(session.id, t0 + 15_000)).toBeNull();
    const { req, res } = exchange(cookie);
    expect(await sessions.resolve(req, res, t0 + 15_001)).toBeNull();
  });

  it("starting a session ends the one the request came with", async () => {
    const sessions = new Sessions(store.sessions, SETTINGS);
    const first = await signIn(sessions);
    const { req, res } = exchange(first.cookie);
    const second = await sessions.start(req, res, userId, first.session);
    expect(second.id).not.toBe(first.session.id);
    expect(await store.sessions.find(first.session.id, Date.now())).toBeNull();
    expect(await store.sessions.find(second.id, Date.now())).not.toBeNull();
  });

  it("refuses to sign in over plain HTTP when cookies are Secure, and names the cookie __Host-", async () => {
    const sessions = new Sessions(store.sessions, { ...SETTINGS, secureCookie: true });
    const plain = exchange(undefined, false);
    expect(() => sessions.assertCanStart(plain.req)).toThrow(/HTTPS/);
    await expect(sessions.start(plain.req, plain.res, userId, null)).rejects.toMatchObject({ code: "forbidden" });
    expect(plain.setCookies).toEqual([]);
    const https = exchange(undefined, true);
    const session = await sessions.start(https.req, https.res, userId, null);
    expect(https.setCookies[0]).toMatch(/^__Host-tandem\.sid=[A-Za-z0-9_-]{43}; .*Secure/);
    const secret = /=([^;]+)/.exec(https.setCookies[0] ?? "")?.[1] ?? "";
    // Only the prefixed name counts: a plain tandem.sid (say, planted by a sibling subdomain) is ignored.
    expect(sessions.idFromCookieHeader(`${SESSION_COOKIE}=${secret}`)).toBeNull();
    expect(sessions.idFromCookieHeader(`__Host-${SESSION_COOKIE}=${secret}`)).toBe(session.id);
  });

  it("reads the session id from a Cookie header among others, as the socket upgrade needs", async () => {
    const sessions = new Sessions(store.sessions, SETTINGS);
    const { session, secret } = await signIn(sessions);
    expect(sessions.idFromCookieHeader(`a=1; ${SESSION_COOKIE}=${secret}; b=2`)).toBe(session.id);
    expect(sessions.idFromCookieHeader("a=1")).toBeNull();
    expect(sessions.idFromCookieHeader(undefined)).toBeNull();
  });
});
