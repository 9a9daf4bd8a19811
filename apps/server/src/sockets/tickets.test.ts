import { describe, expect, it } from "vitest";
import { AppError } from "../errors.js";
import { MemoryKeyValue } from "../kv/MemoryKeyValue.js";
import { Tickets } from "./tickets.js";

const claims = { userId: "u1", credential: { sessionId: "s1" }, device: "device-aaaa", since: 3 };

describe("Tickets", () => {
  it("issues a 256-bit ticket that redeems once to its claims", async () => {
    const tickets = new Tickets(new MemoryKeyValue(), 60_000, 10);
    const { ticket, socketId, expiresAt } = await tickets.issue(claims);
    expect(Buffer.from(ticket, "base64url")).toHaveLength(32);
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 59_000);
    expect(await tickets.redeem(ticket)).toEqual({ ...claims, socketId });
    expect(await tickets.redeem(ticket)).toBeNull();
  });

  it("refuses missing, malformed, unknown and expired tickets", async () => {
    let now = 0;
    const tickets = new Tickets(new MemoryKeyValue(() => now), 60_000, 10);
    expect(await tickets.redeem(null)).toBeNull();
    expect(await tickets.redeem("short")).toBeNull();
    expect(await tickets.redeem("A".repeat(43))).toBeNull();
    const { ticket } = await tickets.issue(claims);
    now = 60_000;
    expect(await tickets.redeem(ticket)).toBeNull();
  });

  it("keeps only a hash of the ticket", async () => {
    const kv = new MemoryKeyValue();
    const seen: string[] = [];
    const spy = {
      setIfAbsent: async (k: string, v: string, ttl: number) => (seen.push(k), kv.setIfAbsent(k, v, ttl)),
      take: (k: string) => kv.take(k),
      increment: (k: string, ttl: number) => kv.increment(k, ttl),
      close: () => kv.close(),
    };
    const { ticket } = await new Tickets(spy, 1000, 10).issue(claims);
    expect(seen[0]).not.toContain(ticket);
    expect(seen[0]).toMatch(/^ticket:[0-9a-f]{64}$/);
  });

  it("issues a user at most perUser tickets per ticket lifetime, counted from the first, and says when to ask again", async () => {
    let now = 1_000_000;
    const tickets = new Tickets(new MemoryKeyValue(() => now), 60_000, 3);
    for (let i = 0; i < 3; i++) await tickets.issue(claims);
    now += 45_500;
    const refusal = await tickets.issue(claims).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: "too_many_requests", retryAfterSeconds: 15, message: "too many socket grants, try again in 15 s" });
    // Another user has a budget of their own; a tokens's sockets count against the same user.
    await tickets.issue({ ...claims, userId: "u2" });
    await expect(tickets.issue({ ...claims, credential: { tokenId: "t1" } })).rejects.toThrow(AppError);
    now += 14_500;
    await tickets.issue(claims);
  });
});
