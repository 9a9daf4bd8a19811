/**
 * How many sockets each device (auth/devices.ts) has open: the roster's `online`. Sockets open
 * and close on this instance (`join`, `leave`); `counts` answers for every instance.
 *
 * `MemoryPresence` counts this process's sockets (one instance); `RedisPresence` shares the counts
 * through Redis and makes sure that an instance which dies without a word (SIGKILL, a lost host)
 * does not leave its devices online forever.
 */
export interface Presence {
  /** A socket of the device opened here. @returns true when it is the device's first here (it came online) */
  join(userId: string, deviceId: string): Promise<boolean>;
  /** A socket of the device closed here. @returns true when it was the device's last here (it went offline) */
  leave(userId: string, deviceId: string): Promise<boolean>;
  /** deviceId → open sockets, summed over the live instances; devices with none are absent. */
  counts(userId: string): Promise<Map<string, number>>;
  /**
   * Starts the upkeep (RedisPresence: this instance's liveness, and reaping instances that died).
   * `onGone` hears of each user whose devices lost sockets because their instance died.
   */
  start(onGone: (userId: string, deviceIds: string[]) => void): void;
  /** Stops the upkeep and forgets this instance's sockets. */
  stop(): Promise<void>;
}

/** Sockets per device per user, on this instance. */
export class LocalCounts {
  readonly #users = new Map<string, Map<string, number>>();

  /** @returns the device's count here after the change */
  add(userId: string, deviceId: string, delta: 1 | -1): number {
    let devices = this.#users.get(userId);
    if (devices === undefined) this.#users.set(userId, (devices = new Map()));
    const count = Math.max(0, (devices.get(deviceId) ?? 0) + delta);
    if (count === 0) devices.delete(deviceId);
    else devices.set(deviceId, count);
    if (devices.size === 0) this.#users.delete(userId);
    return count;
  }

  of(userId: string): ReadonlyMap<string, number> {
    return this.#users.get(userId) ?? new Map();
  }

  hasUser(userId: string): boolean {
    return this.#users.has(userId);
  }

  clear(): void {
    this.#users.clear();
  }
}

/** One instance: the counts are this process's sockets. */
export class MemoryPresence implements Presence {
  readonly #local = new LocalCounts();

  async join(userId: string, deviceId: string): Promise<boolean> {
    return this.#local.add(userId, deviceId, 1) === 1;
  }

  async leave(userId: string, deviceId: string): Promise<boolean> {
    return this.#local.add(userId, deviceId, -1) === 0;
  }

  async counts(userId: string): Promise<Map<string, number>> {
    return new Map(this.#local.of(userId));
  }

  start(): void {}

  async stop(): Promise<void> {
    this.#local.clear();
  }
}
