import { Redis } from "ioredis";
import type { KeyValue } from "./KeyValue.js";

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
    return (await this.redis.set(this.prefix + key, value, "PX", ttlMs, "NX")) === "OK";
  }

  async take(key: string): Promise<string | null> {
    return this.redis.getdel(this.prefix + key);
  }

  /** The client is the caller's (it is shared with the rate limiters). */
  async close(): Promise<void> {}
}
