import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { TokenInfo } from "@tandem/protocol";
import { AppError } from "../../errors.js";
import type { ContractHarness } from "./harness.js";

/** Users, API tokens and browser sessions: the small stores. */
export function describeAccountStores(h: ContractHarness): void {
  describe("lifecycle", () => {
    it("pings, and init() is idempotent", async () => {
      await expect(h.store.ping()).resolves.toBeUndefined();
      await h.store.init();
      await expect(h.store.ping()).resolves.toBeUndefined();
    });
  });

  describe("users", () => {
    it("creates a user and finds it by email and by id", async () => {
      const email = `${randomUUID()}@example.com`;
      const user = await h.store.users.create({ email, passwordHash: "h1" });
      expect(user).toEqual({ id: expect.any(String), email });
      expect(await h.store.users.findByEmail(email)).toEqual({ id: user.id, email, passwordHash: "h1", createdAt: expect.any(String) });
      expect(await h.store.users.findById(user.id)).toEqual({ id: user.id, email });
    });

    it("returns null for unknown users", async () => {
      expect(await h.store.users.findByEmail(`${randomUUID()}@example.com`)).toBeNull();
      expect(await h.store.users.findById("no-such-user")).toBeNull();
      expect(await h.store.users.findById("0123456789abcdef01234567")).toBeNull();
      expect(await h.store.users.findById(randomUUID())).toBeNull();
    });

    it("refuses a second account with the same email", async () => {
      const email = `${randomUUID()}@example.com`;
      await h.store.users.create({ email, passwordHash: "h1" });
      const second = h.store.users.create({ email, passwordHash: "h2" });
      await expect(second).rejects.toBeInstanceOf(AppError);
      await expect(second).rejects.toMatchObject({ code: "email_taken" });
      expect((await h.store.users.findByEmail(email))?.passwordHash).toBe("h1");
    });
  });

  describe("API tokens", () => {
    const at = (ms: number) => new Date(Date.parse("2026-03-01T00:00:00.000Z") + ms).toISOString();
    const NOW = at(0);
    const EXPIRES = at(90 * 86_400_000);
    const limit = { maxLive: 50, now: NOW };
    const create = async (userId: string, name: string, tokenHash: string, createdAt = NOW) => {
      const info = await h.store.tokens.create({ userId, name, tokenHash, createdAt, expiresAt: EXPIRES }, limit);
      if (info === null) throw new Error("token refused");
      return info;
    };

    it("creates, finds by hash, records a use, lists and deletes a token", async () => {
      const user = await h.newUser();
      const hash = randomUUID();
      const info = await create(user.id, "laptop", hash);
      expect(TokenInfo.parse(info)).toEqual(info);
      expect(info).toEqual({ id: expect.any(String), name: "laptop", createdAt: at(0), lastUsedAt: null, expiresAt: EXPIRES });
      expect(await h.store.tokens.list(user.id, NOW)).toEqual([info]);
      expect(await h.store.tokens.findByHash(hash, NOW)).toEqual({ ...info, userId: user.id });

      await h.store.tokens.markUsed(info.id, at(1_000));
      expect(await h.store.tokens.findByHash(hash, NOW)).toEqual({ ...info, userId: user.id, lastUsedAt: at(1_000) });
      expect((await h.store.tokens.list(user.id, NOW))[0]?.lastUsedAt).toBe(at(1_000));

      expect(await h.store.tokens.delete(user.id, info.id)).toBe(true);
      expect(await h.store.tokens.findByHash(hash, NOW)).toBeNull();
      expect(await h.store.tokens.list(user.id, NOW)).toEqual([]);
      expect(await h.store.tokens.delete(user.id, info.id)).toBe(false);
    });

    it("keeps tokens to their user: another user neither lists nor deletes them", async () => {
      const [alice, bob] = [await h.newUser(), await h.newUser()];
      const a1 = await create(alice.id, "one", randomUUID());
      const a2 = await create(alice.id, "two", randomUUID(), at(1));
      expect(await h.store.tokens.list(bob.id, NOW)).toEqual([]);
      expect(await h.store.tokens.delete(bob.id, a1.id)).toBe(false);
      expect(await h.store.tokens.delete(bob.id, "not-an-id")).toBe(false);
      expect(await h.store.tokens.list(alice.id, NOW)).toEqual([a1, a2]);
    });

    it("finds nothing for an unknown hash", async () => {
      expect(await h.store.tokens.findByHash(randomUUID(), NOW)).toBeNull();
    });
  });

  describe("sessions", () => {
    async function newSession(expiresInMs = 60_000) {
      const user = await h.newUser();
      const now = Date.now();
      const session = {
        id: randomUUID(),
        userId: user.id,
        signedInAt: now,
        expiresAt: now + expiresInMs,
        deviceId: randomUUID(),
        name: "Firefox on Linux",
        createdAt: now,
        lastSeenAt: now,
      };
      await h.store.sessions.create(session);
      return session;
    }

    it("creates, finds and deletes a session", async () => {
      const session = await newSession();
      expect(await h.store.sessions.find(session.id, Date.now())).toEqual(session);
      await h.store.sessions.delete(session.id);
      expect(await h.store.sessions.find(session.id, Date.now())).toBeNull();
      // Deleting what is gone is not an error (a second sign-out).
      await h.store.sessions.delete(session.id);
    });

    it("finds a session with its user in one call, and nothing for an unknown, expired or deleted session", async () => {
      const session = await newSession(60_000);
      const user = await h.store.users.findById(session.userId);
      expect(await h.store.sessions.findWithUser(session.id, Date.now())).toEqual({ session, user });
      expect(await h.store.sessions.findWithUser(randomUUID(), Date.now())).toBeNull();
      expect(await h.store.sessions.findWithUser(session.id, session.expiresAt)).toBeNull();
      await h.store.sessions.delete(session.id);
      expect(await h.store.sessions.findWithUser(session.id, Date.now())).toBeNull();
    });

    it("finds nothing for an unknown id, or once the session expired", async () => {
      expect(await h.store.sessions.find(randomUUID(), Date.now())).toBeNull();
      const session = await newSession(60_000);
      expect(await h.store.sessions.find(session.id, session.expiresAt - 1)).not.toBeNull();
      expect(await h.store.sessions.find(session.id, session.expiresAt)).toBeNull();
    });

    it("extends a session's expiry forward, never backward", async () => {
      const session = await newSession(60_000);
      await h.store.sessions.extend(session.id, session.expiresAt + 3_600_000);
      expect((await h.store.sessions.find(session.id, session.expiresAt + 1))?.expiresAt).toBe(session.expiresAt + 3_600_000);
      await h.store.sessions.extend(session.id, session.expiresAt);
      expect((await h.store.sessions.find(session.id, Date.now()))?.expiresAt).toBe(session.expiresAt + 3_600_000);
      // Extending an unknown session creates nothing.
      const unknown = randomUUID();
      await h.store.sessions.extend(unknown, Date.now() + 60_000);
      expect(await h.store.sessions.find(unknown, Date.now())).toBeNull();
    });

    it("deletes the sessions that expired, and only those", async () => {
      const gone = await newSession(1_000);
      const kept = await newSession(600_000);
      const deleted = await h.store.sessions.deleteExpired(gone.expiresAt);
      expect(deleted).toBeGreaterThanOrEqual(1);
      expect(await h.store.sessions.find(gone.id, gone.signedInAt)).toBeNull();
      expect(await h.store.sessions.find(kept.id, Date.now())).toEqual(kept);
    });

    it("refuses a second session with the same id", async () => {
      const session = await newSession();
      await expect(h.store.sessions.create({ ...session, userId: (await h.newUser()).id })).rejects.toThrow();
      expect(await h.store.sessions.find(session.id, Date.now())).toEqual(session);
    });
  });
}
