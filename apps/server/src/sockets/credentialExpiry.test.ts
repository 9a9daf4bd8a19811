import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { SessionRecord } from "../store/Store.js";
import { CredentialExpiry } from "./credentialExpiry.js";
import type { Credential } from "./tags.js";

const logger = pino({ level: "silent" });
const made: CredentialExpiry[] = [];
afterEach(() => made.splice(0).forEach((e) => e.stop()));

/** A store of sessions by id, each live until its expiresAt, as the real stores answer. */
function fakeSessions(sessions: Map<string, SessionRecord>, fail = { now: false }) {
  return {
    async find(id: string, now: number) {
      if (fail.now) throw new Error("store down");
      const s = sessions.get(id);
      return s !== undefined && s.expiresAt > now ? s : null;
    },
  };
}

function expiry(store: ReturnType<typeof fakeSessions>) {
  const closed: string[] = [];
  // A long interval: the tests call sweep() themselves.
  const e = new CredentialExpiry({
    sessions: store,
    tokens: fakeTokens,
    intervalMs: 3_600_000,
    onExpired: (c: Credential) => closed.push("sessionId" in c ? c.sessionId : `token ${c.tokenId}`),
    logger,
  });
  made.push(e);
  return { e, closed };
}

const session = (id: string, expiresAt: number): SessionRecord => ({
  id,
  userId: "u",
  signedInAt: 0,
  expiresAt,
  deviceId: `device-${id}`,
  name: "Chrome on Linux",
  createdAt: 0,
  lastSeenAt: 0,
});

/** Token "t" expires at 2,000 ms, as the real stores answer (`findById` skips expired tokens). */
const TOKEN_EXPIRES_AT = 2_000;
const fakeTokens = {
  async findById(id: string, now: string) {
    if (id !== "t" || Date.parse(now) >= TOKEN_EXPIRES_AT) return null;
    const at = new Date(0).toISOString();
    return { id, userId: "u", name: "cli", createdAt: at, lastUsedAt: null, expiresAt: new Date(TOKEN_EXPIRES_AT).toISOString() };
  },
};

/** Session "a", stored with one expiry and watched with another (as known when its socket opened). */
function watching(storedExpiresAt: number, watchedExpiresAt = storedExpiresAt) {
  const sessions = new Map([["a", session("a", storedExpiresAt)]]);
  const { e, closed } = expiry(fakeSessions(sessions));
  e.watch({ sessionId: "a" }, watchedExpiresAt);
  return { sessions, e, closed };
}

describe("CredentialExpiry", () => {
  it("closes an API token's sockets once the token expires", async () => {
    const { e, closed } = expiry(fakeSessions(new Map()));
    e.watch({ tokenId: "t" }, 1_000); // known at the upgrade as expiring sooner: looked up again
    expect(await e.sweep(1_500)).toBe(0);
    expect(closed).toEqual([]);
    expect(await e.sweep(TOKEN_EXPIRES_AT)).toBe(1);
    expect(closed).toEqual(["token t"]);
  });

  it("leaves a session alone until its expiry, then closes its sockets once and forgets it", async () => {
    const { e, closed } = watching(1_000);
    expect(await e.sweep(999)).toBe(0);
    expect(closed).toEqual([]);
    expect(await e.sweep(1_000)).toBe(1);
    expect(closed).toEqual(["a"]);
    expect(e.size).toBe(0);
    expect(await e.sweep(5_000)).toBe(0);
    expect(closed).toEqual(["a"]);
  });

  it("follows a session that rolled forward meanwhile instead of closing it", async () => {
    const { sessions, e, closed } = watching(1_000);
    sessions.set("a", session("a", 3_000)); // used over HTTP: the store has the later expiry
    expect(await e.sweep(1_500)).toBe(0);
    expect(closed).toEqual([]);
    expect(await e.sweep(2_999)).toBe(0);
    expect(await e.sweep(3_000)).toBe(1);
    expect(closed).toEqual(["a"]);
  });

  it("closes the sockets of a session deleted before its time (signed out on another instance)", async () => {
    const { sessions, e, closed } = watching(10_000, 1_000); // as known at the upgrade; then deleted
    sessions.delete("a");
    expect(await e.sweep(1_000)).toBe(1);
    expect(closed).toEqual(["a"]);
  });

  it("keeps the later of two expiries reported for one session", async () => {
    const { e, closed } = watching(5_000);
    e.watch({ sessionId: "a" }, 1_000); // an older read must not make it look due sooner
    expect(await e.sweep(4_000)).toBe(0);
    expect(closed).toEqual([]);
    expect(e.size).toBe(1);
  });

  it("keeps its sessions when the store fails, and closes them on a later sweep", async () => {
    const sessions = new Map<string, SessionRecord>();
    const fail = { now: true };
    const { e, closed } = expiry(fakeSessions(sessions, fail));
    e.watch({ sessionId: "a" }, 1_000);
    expect(await e.sweep(2_000)).toBe(0);
    expect(e.size).toBe(1);
    fail.now = false;
    expect(await e.sweep(2_000)).toBe(1);
    expect(closed).toEqual(["a"]);
  });
});
