import { Redis } from "ioredis";
import type { KeyValue } from "./KeyValue.js";

/** The multi-instance KeyValue. Keys are prefixed so Tandem can share a Redis with others. */
export class RedisKeyValue implements KeyValue {
  private readonly redis: Redis;

  constructor(url: string, private readonly prefix = "tandem:kv:") {
    // Fail fast while Redis is down instead of queueing commands: a ticket that cannot be stored
    // is a 503 now, not a hang.
    this.redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    this.redis.on("error", () => {
      // Connection errors surface as rejected commands (and in /healthz via the bus); ioredis
      // reconnects by itself. Without a listener they would be thrown as unhandled.
    });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.prefix + key, value, "PX", ttlMs, "NX")) === "OK";
  }

  async take(key: string): Promise<string | null> {
    return this.redis.getdel(this.prefix + key);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
