import { Redis } from "ioredis";
import { AppError } from "../errors.js";
import type { KeyValue } from "./KeyValue.js";

/** How long a client is asked to wait while Redis is unreachable: about the client's reconnect backoff. */
const RETRY_AFTER_SECONDS = 2;

/** The multi-instance KeyValue. Keys are prefixed so Tandem can share a Redis with others. */
export class RedisKeyValue implements KeyValue {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "tandem:kv:",
  ) {}

  /**
   * A client for Tandem's own commands. It fails fast while Redis is down instead of queueing:
   * a ticket that cannot be stored is a 503 now, not a hang.
   */
  static client(url: string): Redis {
    const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: "tandem-kv" });
    // Connection errors surface as rejected commands (and in /healthz via the bus); ioredis
    // reconnects by itself. Without a listener they would be thrown as unhandled.
    redis.on("error", () => {});
    return redis;
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.#run(async () => (await this.redis.set(this.prefix + key, value, "PX", ttlMs, "NX")) === "OK");
  }

  async take(key: string): Promise<string | null> {
    return this.#run(() => this.redis.getdel(this.prefix + key));
  }

  async increment(key: string, ttlMs: number): Promise<{ count: number; expiresInMs: number }> {
    const full = this.prefix + key;
    return this.#run(async () => {
      // One transaction: the count is created with its expiry, or counted on without touching it.
      const replies = (await this.redis.multi().set(full, "0", "PX", ttlMs, "NX").incr(full).pttl(full).exec()) ?? [];
      for (const [err] of replies) if (err) throw err;
      const count = Number(replies[1]?.[1]);
      const expiresInMs = Number(replies[2]?.[1]);
      if (!Number.isInteger(count) || !Number.isInteger(expiresInMs)) throw new Error(`unexpected replies to INCR/PTTL: ${JSON.stringify(replies)}`);
      return { count, expiresInMs: Math.max(0, expiresInMs) };
    });
  }

  /** The client is the caller's (it is shared with the rate limiters). */
  async close(): Promise<void> {}

  /** A command that Redis does not answer (down, unreachable, not connected yet) is an outage: 503. */
  async #run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (err) {
      throw new AppError("unavailable", "shared state (Redis) is unavailable, try again shortly", { cause: err, retryAfterSeconds: RETRY_AFTER_SECONDS });
    }
  }
}
