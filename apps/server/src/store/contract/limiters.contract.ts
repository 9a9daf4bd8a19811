import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RateLimiterRes } from "rate-limiter-flexible";
import type { ContractHarness } from "./harness.js";

/** Rate-limit counters kept in the database (`Store.limiters`), for when there is no Redis. */
export function describeLimiters(h: ContractHarness): void {
  describe("rate-limit counters", () => {
    /** A key space of this test's own: tests share one database. */
    const prefix = () => `contract_${randomUUID().replaceAll("-", "")}`;

    it("counts every consume, refuses past the points, and keeps the counts when the database is reopened", async () => {
      const space = prefix();
      const limiter = h.store.limiters(space, 3, 600);
      // In parallel: each consume is one atomic increment, though they may settle in any order.
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => limiter.consume("k")));
      const counts = (status: "fulfilled" | "rejected") =>
        results
          .map((r) => (r.status === "fulfilled" ? { status: r.status, res: r.value } : { status: r.status, res: r.reason as unknown }))
          .filter((r) => r.status === status)
          .map((r) => (r.res instanceof RateLimiterRes ? r.res.consumedPoints : r.res));
      expect(counts("fulfilled").sort()).toEqual([1, 2, 3]);
      expect(counts("rejected").sort()).toEqual([4, 5]);
      expect((await limiter.get("k"))?.msBeforeNext).toBeGreaterThan(0);

      // Another store on the same database (a restart) sees the same counts...
      const reopened = await h.open();
      const again = reopened.limiters(space, 3, 600);
      expect((await again.get("k"))?.consumedPoints).toBe(5);
      await expect(again.consume("k")).rejects.toBeInstanceOf(RateLimiterRes);
      // ...and keeps keys and key spaces apart.
      expect(await again.get("other")).toBeNull();
      expect(await reopened.limiters(prefix(), 3, 600).get("k")).toBeNull();
    });

    it("gives points back and deletes a key", async () => {
      const limiter = h.store.limiters(prefix(), 5, 600);
      await limiter.consume("k", 3);
      expect((await limiter.reward("k", 1)).consumedPoints).toBe(2);
      expect((await limiter.get("k"))?.consumedPoints).toBe(2);
      expect(await limiter.delete("k")).toBe(true);
      expect(await limiter.get("k")).toBeNull();
      expect((await limiter.consume("k")).consumedPoints).toBe(1);
    });

    it("counts in memory rather than failing while the database cannot be reached", async () => {
      const limiter = h.store.limiters(prefix(), 2, 600);
      await h.store.close();
      await expect(limiter.consume("k")).resolves.toBeInstanceOf(RateLimiterRes);
      await expect(limiter.consume("k")).resolves.toBeInstanceOf(RateLimiterRes);
      await expect(limiter.consume("k")).rejects.toBeInstanceOf(RateLimiterRes);
    });
  });
}
