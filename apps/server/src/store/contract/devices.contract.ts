import { createHash, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { SessionRecord } from "../Store.js";
import type { ContractHarness } from "./harness.js";

/** What the devices, account and password-reset rules need of the account stores. */
export function describeDeviceStores(h: ContractHarness): void {
  const NOW = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();

  async function session(userId: string, fields: Partial<SessionRecord> = {}): Promise<SessionRecord> {
    const record: SessionRecord = {
      id: randomUUID(),
      userId,
      signedInAt: NOW,
      expiresAt: NOW + 600_000,
      deviceId: randomUUID(),
      name: "Chrome on Linux",
      createdAt: NOW - 1_000,
      lastSeenAt: NOW - 1_000,
      ...fields,
    };
    await h.store.sessions.create(record);
    return record;
  }

  async function token(userId: string, name: string, expiresAt = iso(NOW + 86_400_000), maxLive = 50) {
    return h.store.tokens.create({ userId, name, tokenHash: randomUUID(), createdAt: iso(NOW), expiresAt }, { maxLive, now: iso(NOW) });
  }

  describe("sessions as devices", () => {
    it("lists a user's live sessions only, renames by device, records a use forward only", async () => {
      const [alice, bob] = [await h.newUser(), await h.newUser()];
      const a1 = await session(alice.id);
      const a2 = await session(alice.id, { name: "Safari on iOS" });
      await session(alice.id, { expiresAt: NOW - 1 });
      await session(bob.id);
      const listed = await h.store.sessions.listByUser(alice.id, NOW);
      expect(listed.sort((x, y) => x.name.localeCompare(y.name))).toEqual([a1, a2]);

      expect(await h.store.sessions.rename(alice.id, a1.deviceId, "Work laptop")).toBe(true);
      expect(await h.store.sessions.rename(bob.id, a2.deviceId, "stolen")).toBe(false);
      expect((await h.store.sessions.find(a1.id, NOW))?.name).toBe("Work laptop");
      expect((await h.store.sessions.find(a2.id, NOW))?.name).toBe("Safari on iOS");

      await h.store.sessions.markSeen(a1.id, NOW + 5_000);
      await h.store.sessions.markSeen(a1.id, NOW + 1_000);
      expect((await h.store.sessions.find(a1.id, NOW))?.lastSeenAt).toBe(NOW + 5_000);
    });

    it("moves a session to a new id, keeping its device; the old id is gone at once", async () => {
      const user = await h.newUser();
      const old = await session(user.id);
      const next = { id: randomUUID(), signedInAt: NOW + 10, expiresAt: NOW + 900_000 };
      expect(await h.store.sessions.renew(old.id, next)).toBe(true);
      expect(await h.store.sessions.find(old.id, NOW)).toBeNull();
      expect(await h.store.sessions.find(next.id, NOW)).toEqual({ ...old, ...next });
      expect(await h.store.sessions.renew(old.id, { ...next, id: randomUUID() })).toBe(false);
    });

    it("deletes by device, and all of a user's sessions but one, naming what it deleted", async () => {
      const [alice, bob] = [await h.newUser(), await h.newUser()];
      const [a1, a2, a3] = [await session(alice.id), await session(alice.id), await session(alice.id)];
      const b1 = await session(bob.id);
      expect(await h.store.sessions.deleteByDevice(bob.id, a1.deviceId)).toBeNull();
      expect(await h.store.sessions.deleteByDevice(alice.id, a1.deviceId)).toBe(a1.id);
      expect(await h.store.sessions.find(a1.id, NOW)).toBeNull();
      expect((await h.store.sessions.deleteByUser(alice.id, a3.id)).sort()).toEqual([a2.id]);
      expect(await h.store.sessions.find(a3.id, NOW)).not.toBeNull();
      expect(await h.store.sessions.deleteByUser(alice.id, null)).toEqual([a3.id]);
      expect(await h.store.sessions.find(b1.id, NOW)).not.toBeNull();
    });
  });

  describe("tokens as devices", () => {
    it("refuses a token past the cap of unexpired ones; expired ones neither count nor answer", async () => {
      const user = await h.newUser();
      const expired = await token(user.id, "old", iso(NOW - 1));
      expect(expired).not.toBeNull();
      expect(await token(user.id, "one", undefined, 2)).not.toBeNull();
      expect(await token(user.id, "two", undefined, 2)).not.toBeNull();
      expect(await token(user.id, "three", undefined, 2)).toBeNull();
      expect((await h.store.tokens.list(user.id, iso(NOW))).map((t) => t.name)).toEqual(["one", "two"]);
      expect(await h.store.tokens.findById(expired!.id, iso(NOW))).toBeNull();
    });

    it("finds by id until expiry, renames, and deletes all of a user's", async () => {
      const [alice, bob] = [await h.newUser(), await h.newUser()];
      const t1 = (await token(alice.id, "cli", iso(NOW + 5_000)))!;
      const t2 = (await token(alice.id, "phone"))!;
      const b1 = (await token(bob.id, "bob's"))!;
      expect(await h.store.tokens.findById(t1.id, iso(NOW))).toEqual({ ...t1, userId: alice.id });
      expect(await h.store.tokens.findById(t1.id, iso(NOW + 5_000))).toBeNull();
      expect(await h.store.tokens.rename(alice.id, t2.id, "Pixel")).toBe(true);
      expect(await h.store.tokens.rename(bob.id, t2.id, "mine")).toBe(false);
      expect(await h.store.tokens.rename(alice.id, "not-an-id", "x")).toBe(false);
      expect((await h.store.tokens.findById(t2.id, iso(NOW)))?.name).toBe("Pixel");
      expect((await h.store.tokens.deleteByUser(alice.id)).sort()).toEqual([t1.id, t2.id].sort());
      expect(await h.store.tokens.list(alice.id, iso(NOW))).toEqual([]);
      expect(await h.store.tokens.findById(b1.id, iso(NOW))).not.toBeNull();
    });
  });

  describe("users", () => {
    it("changes a password hash, and deletes a user with everything of theirs", async () => {
      const email = `${randomUUID()}@example.com`;
      const user = await h.store.users.create({ email, passwordHash: "h1" });
      const other = await h.newUser();
      await h.store.users.setPasswordHash(user.id, "h2");
      expect(await h.store.users.findRecordById(user.id)).toEqual({ id: user.id, email, passwordHash: "h2", createdAt: expect.any(String) });
      await session(user.id);
      await token(user.id, "cli");
      const todoId = randomUUID();
      await h.todos.create(user.id, { id: todoId, text: "milk" }, h.ctx());
      await h.store.passwordResets.create({ tokenHash: randomUUID(), userId: user.id, expiresAt: NOW + 60_000 }, NOW);
      const kept = await session(other.id);

      expect(await h.store.users.delete(user.id)).toBe(true);
      expect(await h.store.users.delete(user.id)).toBe(false);
      expect(await h.store.users.findByEmail(email)).toBeNull();
      expect(await h.store.sessions.listByUser(user.id, NOW)).toEqual([]);
      expect(await h.store.tokens.list(user.id, iso(NOW))).toEqual([]);
      // Todo ids are global: the deleted user's todo no longer holds its id.
      await expect(h.todos.create(other.id, { id: todoId, text: "eggs" }, h.ctx())).resolves.toMatchObject({ todo: { id: todoId } });
      expect(await h.store.sessions.find(kept.id, NOW)).not.toBeNull();
      // The email is free again.
      await h.store.users.create({ email, passwordHash: "h3" });
    });
  });

  describe("password-reset links", () => {
    const hash = (s: string) => createHash("sha256").update(s).digest("hex");

    it("spends a link once, with every other link of its user, and refuses an expired one", async () => {
      const [alice, bob] = [await h.newUser(), await h.newUser()];
      await h.store.passwordResets.create({ tokenHash: hash("a1"), userId: alice.id, expiresAt: NOW + 60_000 }, NOW);
      await h.store.passwordResets.create({ tokenHash: hash("a2"), userId: alice.id, expiresAt: NOW + 60_000 }, NOW);
      await h.store.passwordResets.create({ tokenHash: hash("b1"), userId: bob.id, expiresAt: NOW + 60_000 }, NOW);
      await h.store.passwordResets.create({ tokenHash: hash("b-old"), userId: bob.id, expiresAt: NOW - 1 }, NOW - 10);
      expect(await h.store.passwordResets.consume(hash("a1"), NOW)).toBe(alice.id);
      expect(await h.store.passwordResets.consume(hash("a1"), NOW)).toBeNull();
      expect(await h.store.passwordResets.consume(hash("a2"), NOW)).toBeNull();
      expect(await h.store.passwordResets.consume(hash("b-old"), NOW)).toBeNull();
      expect(await h.store.passwordResets.consume(hash("nope"), NOW)).toBeNull();
      // Presenting an expired link spends only that one.
      expect(await h.store.passwordResets.consume(hash("b1"), NOW)).toBe(bob.id);
    });
  });
}
