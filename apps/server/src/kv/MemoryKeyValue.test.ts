import { afterEach, describe, expect, it } from "vitest";
import { MemoryKeyValue } from "./MemoryKeyValue.js";

let now = 1_000;
const kv = new MemoryKeyValue(() => now);
afterEach(() => {
  now = 1_000;
});

describe("MemoryKeyValue", () => {
  it("stores once, and only while the key is absent", async () => {
    expect(await kv.setIfAbsent("a", "1", 100)).toBe(true);
    expect(await kv.setIfAbsent("a", "2", 100)).toBe(false);
    expect(await kv.take("a")).toBe("1");
  });

  it("take is single-use", async () => {
    await kv.setIfAbsent("b", "x", 100);
    expect(await kv.take("b")).toBe("x");
    expect(await kv.take("b")).toBeNull();
  });

  it("expires entries after their ttl, and the key can be set again", async () => {
    await kv.setIfAbsent("c", "x", 100);
    now += 100;
    expect(await kv.take("c")).toBeNull();
    expect(await kv.setIfAbsent("c", "y", 100)).toBe(true);
    await kv.close();
    expect(kv.size).toBe(0);
  });

  it("counts from one, keeps the first expiry however often it counts, and starts again after it", async () => {
    expect(await kv.increment("n", 100)).toEqual({ count: 1, expiresInMs: 100 });
    now += 40;
    expect(await kv.increment("n", 100)).toEqual({ count: 2, expiresInMs: 60 });
    now += 60;
    expect(await kv.increment("n", 100)).toEqual({ count: 1, expiresInMs: 100 });
  });
});
