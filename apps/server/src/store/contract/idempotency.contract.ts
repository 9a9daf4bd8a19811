import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ContractHarness } from "./harness.js";

/** Idempotency keys (`Store.idempotency`): claimed once, answered again, forgotten when they expire. */
export function describeIdempotency(h: ContractHarness): void {
  describe("idempotency keys", () => {
    const T = 1_000_000;
    const answer = { status: 201, body: '{"todo":{"id":"x"}}' };

    it("claims a key once, keeps its answer, and keeps keys per user", async () => {
      const [a, b] = [await h.newUser(), await h.newUser()];
      const key = randomUUID();
      expect(await h.store.idempotency.claim(a.id, key, "fp1", T, T + 60_000)).toEqual({ kind: "claimed" });
      // While it runs, a second claim finds it unanswered.
      expect(await h.store.idempotency.claim(a.id, key, "fp1", T + 1, T + 60_001)).toEqual({ kind: "found", fingerprint: "fp1", answer: null });
      // Another user's key of the same name is theirs.
      expect(await h.store.idempotency.claim(b.id, key, "fp2", T, T + 60_000)).toEqual({ kind: "claimed" });

      await h.store.idempotency.complete(a.id, key, answer, T + 3_600_000, 100);
      // Still there after the lease would have run out, and on another store over the same database.
      const reopened = await h.open();
      expect(await reopened.idempotency.claim(a.id, key, "fp-other", T + 120_000, T + 180_000)).toEqual({ kind: "found", fingerprint: "fp1", answer });
      await h.store.idempotency.complete(b.id, key, { status: 204, body: "" }, T + 3_600_000, 100);
      expect(await h.store.idempotency.claim(b.id, key, "fp2", T + 1, T + 60_000)).toEqual({
        kind: "found",
        fingerprint: "fp2",
        answer: { status: 204, body: "" },
      });
    });

    it("lets a released key, and an expired one, be claimed again", async () => {
      const user = await h.newUser();
      const [released, lapsed, answered] = [randomUUID(), randomUUID(), randomUUID()];
      await h.store.idempotency.claim(user.id, released, "fp", T, T + 60_000);
      await h.store.idempotency.release(user.id, released);
      expect(await h.store.idempotency.claim(user.id, released, "fp-new", T + 1, T + 60_000)).toEqual({ kind: "claimed" });

      // A claim whose write never finished lapses at its lease.
      await h.store.idempotency.claim(user.id, lapsed, "fp", T, T + 60_000);
      expect((await h.store.idempotency.claim(user.id, lapsed, "fp", T + 59_999, T + 120_000)).kind).toBe("found");
      expect(await h.store.idempotency.claim(user.id, lapsed, "fp", T + 60_000, T + 120_000)).toEqual({ kind: "claimed" });

      // An answer is forgotten once it expires.
      await h.store.idempotency.claim(user.id, answered, "fp", T, T + 60_000);
      await h.store.idempotency.complete(user.id, answered, answer, T + 100_000, 100);
      expect(await h.store.idempotency.claim(user.id, answered, "fp2", T + 100_000, T + 160_000)).toEqual({ kind: "claimed" });
    });

    it("gives a key to exactly one of many concurrent claims", async () => {
      const user = await h.newUser();
      const key = randomUUID();
      const claims = await Promise.all(Array.from({ length: 8 }, () => h.store.idempotency.claim(user.id, key, "fp", T, T + 60_000)));
      expect(claims.filter((c) => c.kind === "claimed")).toHaveLength(1);
      expect(claims.filter((c) => c.kind === "found")).toHaveLength(7);
    });

    it("keeps only the user's newest answers, never a claim still running, and never another user's", async () => {
      const [user, other] = [await h.newUser(), await h.newUser()];
      const keys = Array.from({ length: 5 }, () => randomUUID());
      const running = randomUUID();
      await h.store.idempotency.claim(other.id, keys[0]!, "fp", T, T + 60_000);
      await h.store.idempotency.complete(other.id, keys[0]!, answer, T + 3_600_000, 1);
      await h.store.idempotency.claim(user.id, running, "fp", T, T + 60_000);
      for (const [i, key] of keys.entries()) {
        await h.store.idempotency.claim(user.id, key, `fp${i}`, T + i, T + i + 60_000);
        await h.store.idempotency.complete(user.id, key, answer, T + i + 3_600_000, 3);
      }
      // The two oldest answers are forgotten: a repeat of them would run again.
      const now = T + 10;
      for (const key of keys.slice(0, 2)) expect(await h.store.idempotency.claim(user.id, key, "again", now, now + 60_000)).toEqual({ kind: "claimed" });
      for (const [i, key] of keys.slice(2).entries()) {
        expect(await h.store.idempotency.claim(user.id, key, "again", now, now + 60_000)).toEqual({ kind: "found", fingerprint: `fp${i + 2}`, answer });
      }
      expect(await h.store.idempotency.claim(user.id, running, "fp", now, now + 60_000)).toEqual({ kind: "found", fingerprint: "fp", answer: null });
      expect((await h.store.idempotency.claim(other.id, keys[0]!, "fp", now, now + 60_000)).kind).toBe("found");
    });

    it("deletes expired keys, and only those", async () => {
      const user = await h.newUser();
      const [old, live] = [randomUUID(), randomUUID()];
      // Far in the past, so that other tests' keys in the shared database are not this test's concern.
      await h.store.idempotency.claim(user.id, old, "fp", 10, 20);
      await h.store.idempotency.claim(user.id, live, "fp", 10, Date.now() + 60_000);
      expect(await h.store.idempotency.deleteExpired(21)).toBeGreaterThanOrEqual(1);
      // Gone, so claimable even at a time it would still have been held...
      expect(await h.store.idempotency.claim(user.id, old, "fp2", 0, 30)).toEqual({ kind: "claimed" });
      // ...while the live one stays.
      expect((await h.store.idempotency.claim(user.id, live, "fp", 21, 100)).kind).toBe("found");
    });
  });
}
