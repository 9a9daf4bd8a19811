import type { Redis } from "ioredis";
import { RateLimiterRedis } from "rate-limiter-flexible";
import { memoryLimiter, type LimiterFactory } from "./LimiterFactory.js";

/**
 * Counters shared by every instance (otherwise N instances would allow N times the attempts).
 * While Redis is down each instance falls back to its own memory counters rather than failing
 * sign-in for everyone.
 */
export function redisLimiter(client: Redis): LimiterFactory {
  return (keyPrefix, points, duration) =>
    new RateLimiterRedis({
      storeClient: client,
      keyPrefix: `tandem:${keyPrefix}`,
      points,
      duration,
      insuranceLimiter: memoryLimiter(keyPrefix, points, duration),
    });
}
