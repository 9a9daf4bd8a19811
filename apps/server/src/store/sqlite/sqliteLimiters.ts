import { RateLimiterSQLite } from "rate-limiter-flexible";
import { memoryLimiter, type LimiterFactory } from "../../limits/LimiterFactory.js";
import type { SqliteConnection } from "./connection.js";
import { isBusy } from "./sqliteErrors.js";

/**
 * How often counters whose window has ended are deleted. SQLite has no TTL and the library reads
 * past them, so this only bounds the table; each purge is one indexed delete.
 */
export const RATE_LIMIT_PURGE_INTERVAL_MS = 15 * 60_000;

/**
 * Rate-limit counters in the SQLite file (table `rate_limits`, migration 5), through
 * rate-limiter-flexible's RateLimiterSQLite on the app's own connection.
 *
 * - **Never inside a todo transaction.** Each count is one short transaction of its own (an upsert
 *   with RETURNING), outside the group commit. better-sqlite3 is synchronous, so it can neither
 *   run while a group commit's transaction is open nor join one.
 * - **Never waiting for another process's lock.** Outside `SqliteConnection.run` the connection's
 *   busy_timeout is 0: when another process holds the write lock, the count fails at once and is
 *   counted in this process's memory instead (the insurance limiter, as while Redis is down),
 *   rather than block the event loop in SQLite's busy handler. So with several processes on one
 *   file, an attempt that collides with another's write is counted only where it landed.
 */
export class SqliteLimiters {
  readonly make: LimiterFactory;
  readonly #connection: SqliteConnection;
  #purge: NodeJS.Timeout | null = null;

  constructor(connection: SqliteConnection) {
    this.#connection = connection;
    this.make = (keyPrefix, points, duration) =>
      new RateLimiterSQLite({
        storeClient: connection.db,
        storeType: "better-sqlite3",
        tableName: "rate_limits",
        // Made by the schema's migrations, never by the library (whose CREATE would run on a
        // promise nobody awaits).
        tableCreated: true,
        keyPrefix,
        points,
        duration,
        insuranceLimiter: memoryLimiter(keyPrefix, points, duration),
      });
  }

  /**
   * Deletes the counters whose window ended at or before `now` (ms). Like the session purge, it
   * does not wait for another process's write lock: it deletes nothing then, and the next one will.
   */
  deleteExpired(now: number): number {
    try {
      return this.#connection.statements.purgeRateLimits.run(now).changes;
    } catch (err) {
      if (isBusy(err)) return 0;
      throw err;
    }
  }

  /** Purges now and then every `intervalMs`, on a timer that never keeps the process alive. */
  startPurging(intervalMs = RATE_LIMIT_PURGE_INTERVAL_MS): void {
    if (this.#purge !== null) return;
    const purge = () => {
      try {
        this.deleteExpired(Date.now());
      } catch {
        // Ended windows only stay in the table a while longer (the library ignores them), and
        // the next purge tries again; a database that fails is reported by the requests that use it.
      }
    };
    purge();
    this.#purge = setInterval(purge, intervalMs);
    this.#purge.unref();
  }

  stopPurging(): void {
    if (this.#purge !== null) clearInterval(this.#purge);
    this.#purge = null;
  }
}
