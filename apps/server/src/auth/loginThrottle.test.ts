import { describe, expect, it } from "vitest";
import { LoginThrottle } from "./loginThrottle.js";

const NET = "198.51.100.1";
const throttle = (overrides: Partial<{ windowMs: number; maxFailuresPerEmailIp: number; maxFailuresPerIp: number }> = {}) =>
  new LoginThrottle({ windowMs: 60_000, maxFailuresPerEmailIp: 3, maxFailuresPerIp: 100, ...overrides });
const refused = { code: "too_many_requests", retryAfterSeconds: expect.any(Number) as number };

describe("LoginThrottle", () => {
  it("counts an attempt when it is reserved, before its password is checked", async () => {
    const t = throttle();
    const attempts = await Promise.allSettled(Array.from({ length: 5 }, () => t.reserve("a@example.com", NET)));
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(3);
    for (const a of attempts.filter((a) => a.status === "rejected")) expect(a.reason).toMatchObject(refused);
    // Another email, and the same email from another network, are counted apart.
    await expect(t.reserve("b@example.com", NET)).resolves.toBeDefined();
    await expect(t.reserve("a@example.com", "2001:db8::/64")).resolves.toBeDefined();
  });

  it("clears an email's failures when its password was right", async () => {
    const t = throttle();
    await t.reserve("a@example.com", NET);
    await t.reserve("a@example.com", NET);
    await (await t.reserve("a@example.com", NET)).succeeded();
    for (let i = 0; i < 3; i++) await t.reserve("a@example.com", NET);
    await expect(t.reserve("a@example.com", NET)).rejects.toMatchObject(refused);
  });

  it("gives an attempt back when its password was never checked", async () => {
    const t = throttle({ maxFailuresPerEmailIp: 1, maxFailuresPerIp: 1 });
    await (await t.reserve("a@example.com", NET)).abandoned();
    await (await t.reserve("a@example.com", NET)).abandoned();
    await t.reserve("a@example.com", NET);
    await expect(t.reserve("a@example.com", NET)).rejects.toMatchObject(refused);
  });

  it("does not give back a point in the last second of its window (it could land in the next one)", async () => {
    const t = throttle({ windowMs: 1_000, maxFailuresPerEmailIp: 1 });
    await (await t.reserve("a@example.com", NET)).abandoned();
    await expect(t.reserve("a@example.com", NET)).rejects.toMatchObject(refused);
  });

  it("past the per-network budget, lets each email fail only once and a right password through", async () => {
    const t = throttle({ maxFailuresPerIp: 2 });
    await t.reserve("x@example.com", NET);
    await t.reserve("y@example.com", NET);
    // Over the budget: an email that already failed here gets no more tries in the window...
    await expect(t.reserve("x@example.com", NET)).rejects.toMatchObject(refused);
    // ...a new one gets one, and a right password clears it again.
    const alice = await t.reserve("alice@example.com", NET);
    await expect(t.reserve("alice@example.com", NET)).rejects.toMatchObject(refused);
    await alice.succeeded();
    await (await t.reserve("alice@example.com", NET)).succeeded();
    // The budget is per network: elsewhere, every email has its full allowance.
    await t.reserve("x@example.com", "198.51.100.2");
    await t.reserve("x@example.com", "198.51.100.2");
  });
});
