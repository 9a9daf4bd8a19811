import type { Connection } from "mongoose";
import { RateLimiterMongo } from "rate-limiter-flexible";
import { memoryLimiter, type LimiterFactory } from "../../limits/LimiterFactory.js";

/** One collection for every key space: keys carry their prefix. */
const COLLECTION = "rate_limits";

/**
 * Rate-limit counters in MongoDB, through rate-limiter-flexible's RateLimiterMongo on the store's
 * own client (each count is one atomic `findOneAndUpdate` with `$inc`, outside any transaction).
 * While the database fails, each counter counts in this process's memory instead, as while
 * Redis is down. Counters are made after the store's `init()`: before it there is no client.
 */
export function mongoLimiters(connection: Connection): LimiterFactory {
  return (keyPrefix, points, duration) =>
    new RateLimiterMongo({
      ...where(connection),
      keyPrefix,
      points,
      duration,
      insuranceLimiter: memoryLimiter(keyPrefix, points, duration),
    });
}

/**
 * The collection's indexes, as RateLimiterMongo defines them: its unique key, and a TTL index on
 * `expire` so MongoDB itself deletes counters whose window has ended. Made once at `init()`
 * (awaited, so a failure fails the start) instead of by every counter in the background.
 */
export async function createLimiterIndexes(connection: Connection): Promise<void> {
  await new RateLimiterMongo({ ...where(connection), points: 1, duration: 1 }).createIndexes();
}

function where(connection: Connection) {
  const client = connection.getClient();
  if (client === undefined) throw new Error("MongoStore used before init()");
  return { storeClient: client, dbName: connection.name, tableName: COLLECTION, disableIndexesCreation: true };
}
