import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { waitFor } from "@tandem/gateway/testing";
import { startRedis, type RedisServer } from "@tandem/testkit";
import { AppError } from "../errors.js";
import { RedisKeyValue } from "./RedisKeyValue.js";

/** The shared KeyValue on a real Redis: what MemoryKeyValue promises, and a 503 when Redis is gone. */
let redis: RedisServer;
let client: Redis;
let kv: RedisKeyValue;
beforeAll(async () => {
  redis = await startRedis();
  client = RedisKeyValue.client(redis.url);
  await new Promise((resolve) => client.once("ready", resolve));
  kv = new RedisKeyValue(client, `test:${process.pid}:`);
});
afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

describe("RedisKeyValue", () => {
  it("stores once, and only while the key is absent; take is single-use", async () => {
    expect(await kv.setIfAbsent("a", "1", 10_000)).toBe(true);
    expect(await kv.setIfAbsent("a", "2", 10_000)).toBe(false);
    expect(await kv.take("a")).toBe("1");
    expect(await kv.take("a")).toBeNull();
  });

  it("counts from one under the first expiry, and starts again once it has passed", async () => {
    const first = await kv.increment("n", 10_000);
    expect(first.count).toBe(1);
    expect(first.expiresInMs).toBeGreaterThan(9_000);
    expect(first.expiresInMs).toBeLessThanOrEqual(10_000);
    expect((await kv.increment("n", 60_000)).count).toBe(2);
    // Counting again did not put the expiry off to the second call's 60 s.
    expect((await kv.increment("n", 60_000)).expiresInMs).toBeLessThanOrEqual(10_000);

    expect((await kv.increment("short", 50)).count).toBe(1);
    // Counts made while it lives go up; the first one after its 50 ms is 1 again.
    let count = 1;
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      count = (await kv.increment("short", 50)).count;
      if (count === 1) break;
    }
    expect(count).toBe(1);
  });

  it("fails as unavailable (503), not as a bug, while Redis is gone", async () => {
    await redis.stop();
    await waitFor(() => client.status !== "ready", 5_000, "the client to notice");
    for (const attempt of [kv.setIfAbsent("b", "1", 1_000), kv.take("b"), kv.increment("c", 1_000)]) {
      const err = await attempt.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: "unavailable", retryAfterSeconds: 2 });
    }
  });
});
