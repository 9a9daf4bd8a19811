import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { LocalCounts, type Presence } from "./Presence.js";

export interface RedisPresenceOptions {
  /**
   * How long this instance counts as alive after its last refresh (PING_INTERVAL_MS). It is
   * refreshed every half of it, and the other instances look for dead ones as often, so the
   * devices of an instance that died go offline within 1.5 of these.
   */
  ttlMs: number;
  logger: Logger;
  prefix?: string;
}

/**
 * Presence shared by every instance through Redis.
 *
 * - `<p>user:<userId>` — a hash: `<instanceId>|<deviceId>` → that instance's open sockets of the
 *   device. Each instance writes only its own fields, with its own count (HSET/HDEL, never
 *   HINCRBY), so the value is right whatever order replies come back in.
 * - `<p>alive:<instanceId>` — set with a TTL and refreshed by each instance's upkeep timer. A field
 *   of an instance whose key is gone is not counted: a dead instance's sockets stop counting
 *   within `ttlMs` even before anyone cleans up.
 * - `<p>instances` and `<p>users:<instanceId>` — which instances there are and which users have
 *   sockets on each, so that a survivor (one, under a short lock) can delete a dead instance's
 *   fields and tell those users their roster changed.
 */
export class RedisPresence implements Presence {
  readonly instanceId = randomUUID();
  readonly #redis: Redis;
  readonly #options: RedisPresenceOptions;
  readonly #p: string;
  readonly #local = new LocalCounts();
  #timer: NodeJS.Timeout | undefined;
  #onGone: (userId: string, deviceIds: string[]) => void = () => {};

  constructor(redis: Redis, options: RedisPresenceOptions) {
    this.#redis = redis;
    this.#options = options;
    this.#p = options.prefix ?? "tandem:presence:";
  }

  async join(userId: string, deviceId: string): Promise<boolean> {
    const count = this.#local.add(userId, deviceId, 1);
    await this.#redis
      .multi()
      .hset(this.#userKey(userId), this.#field(deviceId), count)
      .sadd(this.#usersKey(this.instanceId), userId)
      .exec();
    return count === 1;
  }

  async leave(userId: string, deviceId: string): Promise<boolean> {
    const count = this.#local.add(userId, deviceId, -1);
    const tx = this.#redis.multi();
    if (count > 0) tx.hset(this.#userKey(userId), this.#field(deviceId), count);
    else tx.hdel(this.#userKey(userId), this.#field(deviceId));
    if (!this.#local.hasUser(userId)) tx.srem(this.#usersKey(this.instanceId), userId);
    await tx.exec();
    return count === 0;
  }

  async counts(userId: string): Promise<Map<string, number>> {
    const fields = await this.#redis.hgetall(this.#userKey(userId));
    const entries = Object.entries(fields).map(([field, value]) => {
      const cut = field.indexOf("|");
      return { instanceId: field.slice(0, cut), deviceId: field.slice(cut + 1), count: Number(value) };
    });
    const instances = [...new Set(entries.map((e) => e.instanceId))];
    const alive = new Set<string>([this.instanceId]);
    const others = instances.filter((id) => id !== this.instanceId);
    if (others.length > 0) {
      const keys = await this.#redis.mget(others.map((id) => this.#aliveKey(id)));
      others.forEach((id, i) => keys[i] !== null && alive.add(id));
    }
    const counts = new Map<string, number>();
    for (const { instanceId, deviceId, count } of entries) {
      if (alive.has(instanceId) && count > 0) counts.set(deviceId, (counts.get(deviceId) ?? 0) + count);
    }
    return counts;
  }

  start(onGone: (userId: string, deviceIds: string[]) => void): void {
    this.#onGone = onGone;
    let upOnce = false;
    const tick = () =>
      this.#upkeep().then(
        () => void (upOnce = true),
        // The first ticks may run before Redis has answered (start-up waits for it after this).
        (err: unknown) => this.#options.logger[upOnce ? "warn" : "debug"]({ err }, "presence upkeep failed (Redis unreachable?)"),
      );
    void tick();
    this.#timer = setInterval(tick, Math.max(50, Math.floor(this.#options.ttlMs / 2)));
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#local.clear();
    // A clean stop needs no reaping: what this instance wrote goes now.
    await this.#reap(this.instanceId).catch(() => {});
    await this.#redis.multi().del(this.#aliveKey(this.instanceId)).srem(this.#instancesKey(), this.instanceId).exec().catch(() => {});
  }

  /** Says this instance is alive, then reaps instances whose key ran out. */
  async #upkeep(): Promise<void> {
    await this.#redis
      .multi()
      .set(this.#aliveKey(this.instanceId), "1", "PX", this.#options.ttlMs)
      .sadd(this.#instancesKey(), this.instanceId)
      .exec();
    const instances = (await this.#redis.smembers(this.#instancesKey())).filter((id) => id !== this.instanceId);
    if (instances.length === 0) return;
    const alive = await this.#redis.mget(instances.map((id) => this.#aliveKey(id)));
    for (const [i, id] of instances.entries()) {
      if (alive[i] !== null) continue;
      // One survivor reaps; the lock outlives a slow reap and then lapses by itself.
      const locked = await this.#redis.set(`${this.#p}reaping:${id}`, this.instanceId, "PX", 30_000, "NX");
      if (locked !== "OK") continue;
      for (const [userId, deviceIds] of await this.#reap(id)) this.#onGone(userId, deviceIds);
      await this.#redis.srem(this.#instancesKey(), id);
    }
  }

  /** Deletes an instance's fields. @returns userId → the devices that had sockets there */
  async #reap(instanceId: string): Promise<Map<string, string[]>> {
    const gone = new Map<string, string[]>();
    const users = await this.#redis.smembers(this.#usersKey(instanceId));
    const prefix = `${instanceId}|`;
    for (const userId of users) {
      const fields = Object.keys(await this.#redis.hgetall(this.#userKey(userId))).filter((f) => f.startsWith(prefix));
      if (fields.length === 0) continue;
      await this.#redis.hdel(this.#userKey(userId), ...fields);
      gone.set(userId, fields.map((f) => f.slice(prefix.length)));
    }
    await this.#redis.del(this.#usersKey(instanceId));
    return gone;
  }

  #userKey(userId: string): string {
    return `${this.#p}user:${userId}`;
  }
  #field(deviceId: string): string {
    return `${this.instanceId}|${deviceId}`;
  }
  #aliveKey(instanceId: string): string {
    return `${this.#p}alive:${instanceId}`;
  }
  #usersKey(instanceId: string): string {
    return `${this.#p}users:${instanceId}`;
  }
  #instancesKey(): string {
    return `${this.#p}instances`;
  }
}
