import { RateLimiterMemory, type RateLimiterAbstract } from "rate-limiter-flexible";

/**
 * Makes the counter for one key space: `points` per `durationSeconds` (a fixed window that
 * starts at the key's first point). Where the counters live is the caller's choice: in this
 * process (`memoryLimiter`), in Redis for several instances (`redisLimiter`), or in the
 * database without Redis (`Store.limiters`), so a restart does not reset them.
 */
export type LimiterFactory = (keyPrefix: string, points: number, durationSeconds: number) => RateLimiterAbstract;

export const memoryLimiter: LimiterFactory = (keyPrefix, points, duration) => new RateLimiterMemory({ keyPrefix, points, duration });

