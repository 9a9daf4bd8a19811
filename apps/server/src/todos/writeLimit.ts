import { BurstyRateLimiter, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../errors.js";
import { memoryLimiter, type LimiterFactory } from "../limits/LimiterFactory.js";

export interface WriteLimitOptions {
  /** Writes per second one user may make for as long as they like (WRITE_RATE_PER_USER). */
  ratePerSecond: number;
  /** Writes one user may make on top of the rate, all at once (WRITE_BURST_PER_USER). */
  burst: number;
  /** Where the counters live: in-process by default, Redis when instances share them. */
  limiter?: LimiterFactory;
}

/**
 * How fast one user may change their todos, so that no one account can keep the server (and
 * everyone else's live updates) busy: `ratePerSecond` writes a second, plus a burst of `burst`
 * more that comes back whole `burst / ratePerSecond` seconds after its first use
 * (rate-limiter-flexible's BurstyRateLimiter: each part is a fixed window). Both are far above
 * what a person does, so only a script meets them; the web app then waits and sends its queued
 * writes again. Every write counts as one, whatever it changes.
 */
export class WriteLimit {
  readonly #limiter: BurstyRateLimiter;

  constructor({ ratePerSecond, burst, limiter = memoryLimiter }: WriteLimitOptions) {
    const burstSeconds = Math.max(1, Math.ceil(burst / ratePerSecond));
    this.#limiter = new BurstyRateLimiter(limiter("write_user", ratePerSecond, 1), limiter("write_user_burst", burst, burstSeconds));
  }

  /** @throws AppError `too_many_requests`, saying how long to wait, when the user is over the limit */
  async consume(userId: string): Promise<void> {
    try {
      await this.#limiter.consume(userId);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new AppError("too_many_requests", `too many changes at once, try again in ${seconds} s`, { retryAfterSeconds: seconds });
    }
  }
}
