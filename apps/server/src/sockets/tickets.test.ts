import { describe, expect, it } from "vitest";
import { MemoryKeyValue } from "../kv/MemoryKeyValue.js";
import { Tickets } from "./tickets.js";

const claims = { userId: "u1", credential: { sessionId: "s1" }, device: "device-aaaa", since: 3 };

describe("Tickets", () => {
  it("issues a 256-bit ticket that redeems once to its claims", async () => {
    const tickets = new Tickets(new MemoryKeyValue(), 60_000);
    const { ticket, socketId, expiresAt } = await tickets.issue(claims);
    expect(Buffer.from(ticket, "base64url")).toHaveLength(32);
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 59_000);
    expect(await tickets.redeem(ticket)).toEqual({ ...claims, socketId });
    expect(await tickets.redeem(ticket)).toBeNull();
  });

  it("refuses missing, malformed, unknown and expired tickets", async () => {
    let now = 0;
    const tickets = new Tickets(new MemoryKeyValue(() => now), 60_000);
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
    const spy = { ...kv, setIfAbsent: async (k: string, v: string, ttl: number) => (seen.push(k), kv.setIfAbsent(k, v, ttl)), take: (k: string) => kv.take(k), close: () => kv.close() };
    const { ticket } = await new Tickets(spy, 1000).issue(claims);
    expect(seen[0]).not.toContain(ticket);
    expect(seen[0]).toMatch(/^ticket:[0-9a-f]{64}$/);
  });
});
