import { setTimeout as sleep } from "node:timers/promises";
import type { Bus } from "@tandem/gateway";
import type { Redis } from "ioredis";
import type { Logger } from "./logger.js";

/** How often start-up looks at the connections while it waits. */
const CHECK_EVERY_MS = 50;

export interface WaitForRedisOptions {
  /** The client for tickets, webhook ids and sign-in counters. */
  redis: Redis;
  /** The bus, on its own connections. */
  bus: Bus;
  /** REDIS_CONNECT_TIMEOUT_MS. */
  timeoutMs: number;
  logger: Logger;
}

/**
 * Start-up waits for Redis before it listens. Both clients connect in the background and fail
 * fast while they are not connected, so a request that arrived right after "listening" would
 * find them down: a socket grant answered 503, a socket refused. Gives up after `timeoutMs`
 * (the process then exits 1 with a line naming REDIS_URL, and the platform restarts it).
 */
export async function waitForRedis({ redis, bus, timeoutMs, logger }: WaitForRedisOptions): Promise<void> {
  const up = () => redis.status === "ready" && bus.healthy;
  if (up()) return;
  logger.info({ timeoutMs }, "waiting for Redis (REDIS_URL) before listening");
  const deadline = performance.now() + timeoutMs;
  while (!up()) {
    if (performance.now() >= deadline) {
      throw new Error(`Redis at REDIS_URL did not answer within ${timeoutMs} ms (REDIS_CONNECT_TIMEOUT_MS)`);
    }
    await sleep(CHECK_EVERY_MS);
  }
  logger.info("Redis is up");
}
