import bcrypt from "bcrypt";
import pLimit, { type LimitFunction } from "p-limit";
import { AppError } from "../errors.js";

export interface PasswordLimits {
  /** Hashes running at once (BCRYPT_MAX_CONCURRENT). */
  maxConcurrent: number;
  /** Hashes waiting for a slot before new ones are refused (BCRYPT_MAX_QUEUED). */
  maxQueued: number;
}

/**
 * bcrypt hashing (the native `bcrypt` binding: it runs on libuv's thread pool, so hashing never
 * blocks the event loop). Sign-in compares against a dummy hash of the same cost when the email
 * is unknown, so "no such user" and "wrong password" take about the same time.
 *
 * At most `maxConcurrent` hashes run at once, so sign-ins cannot take every core from the event
 * loop (on one core, four concurrent hashes left it a fifth of the CPU and the sockets' p99 went
 * from milliseconds to hundreds of them). Past `maxQueued` waiting, a check fails as `unavailable` at once
 * rather than queue for longer than anyone would wait.
 */
export class Passwords {
  private readonly dummy: Promise<string>;
  private readonly limit: LimitFunction;

  constructor(
    private readonly cost: number,
    private readonly limits: PasswordLimits,
  ) {
    this.limit = pLimit(limits.maxConcurrent);
    this.dummy = this.limit(() => bcrypt.hash("tandem-dummy-password", cost));
  }

  hash(password: string): Promise<string> {
    return this.run(() => bcrypt.hash(password, this.cost));
  }

  /** Always does one full bcrypt comparison, whether or not there is a hash to compare with. */
  async verify(password: string, hash: string | null): Promise<boolean> {
    const against = hash ?? (await this.dummy);
    const ok = await this.run(() => bcrypt.compare(password, against));
    return hash !== null && ok;
  }

  /** Hashes running and waiting right now (for tests and diagnostics). */
  get load(): { active: number; pending: number } {
    return { active: this.limit.activeCount, pending: this.limit.pendingCount };
  }

  private run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.limit.pendingCount >= this.limits.maxQueued) {
      return Promise.reject(new AppError("unavailable", "too many sign-ins at once, try again in a moment", { retryAfterSeconds: 1 }));
    }
    return this.limit(fn);
  }
}
