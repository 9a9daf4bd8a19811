import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { describeWait } from "@tandem/protocol";
import { AppError } from "../errors.js";
import { memoryLimiter, type LimiterFactory } from "../limits/LimiterFactory.js";

export interface LoginThrottleOptions {
  windowMs: number;
  maxFailuresPerEmailIp: number;
  maxFailuresPerIp: number;
  /** Builds the limiter for one key space; defaults to in-process memory. */
  limiter?: LimiterFactory;
}

/**
 * A point given back this close to the end of its window is not given back: by the time it
 * reached the store the window could have ended, and a refund into the next window would
 * start it below zero (one free attempt more).
 */
const REFUND_MARGIN_MS = 1_000;

/**
 * Throttles password checks on two keys (OWASP's "login brute force" recipe): email + client
 * network (`clientNetwork.ts`) stops guessing one account's password, the network alone stops
 * spraying many accounts from one place. Counters are fixed windows of `windowMs`.
 *
 * - **Reserve, then settle.** An attempt takes its points *before* its password is checked and
 *   gives them back if it was right (or never checked), so a burst of parallel attempts cannot
 *   outrun the count: exactly `maxFailuresPerEmailIp` of them are checked, the rest are refused.
 * - **A busy network is slowed, not locked out.** Past `maxFailuresPerIp` failures, a network is
 *   not refused outright (that would lock everyone behind an office or carrier NAT out of every
 *   account); each email may then fail only once from it in the window. A person with the right
 *   password still signs in; a sprayer gets one guess per account per window.
 * - A right password clears that email's failures from that network.
 */
export class LoginThrottle {
  private readonly byEmailIp: RateLimiterAbstract;
  private readonly byIp: RateLimiterAbstract;

  constructor(private readonly options: LoginThrottleOptions) {
    const make = options.limiter ?? memoryLimiter;
    const seconds = Math.ceil(options.windowMs / 1000);
    this.byEmailIp = make("login_fail_email_ip", options.maxFailuresPerEmailIp, seconds);
    this.byIp = make("login_fail_ip", options.maxFailuresPerIp, seconds);
  }

  /**
   * Reserves one attempt for `email` from `network`. Settle what it returns once the check is done.
   * @throws AppError `too_many_requests`, saying how long to wait, when the attempt may not be made
   */
  async reserve(email: string, network: string): Promise<SignInAttempt> {
    const { maxFailuresPerEmailIp: perEmail, maxFailuresPerIp: perIp } = this.options;
    const pairKey = `${email}_${network}`;
    // A look first, so a client that keeps knocking while refused costs reads, not writes.
    const [seen, seenIp] = await Promise.all([this.byEmailIp.get(pairKey), this.byIp.get(network)]);
    const allowed = (seenIp?.consumedPoints ?? 0) >= perIp ? 1 : perEmail;
    if (seen !== null && seen.consumedPoints >= allowed) throw tooMany(seen.msBeforeNext);

    // The reservation itself: each consume is one atomic increment in the store, so parallel
    // attempts see each other's points.
    const pair = await counted(this.byEmailIp.consume(pairKey));
    if (pair.consumedPoints > perEmail) throw tooMany(pair.msBeforeNext);
    const ip = await counted(this.byIp.consume(network));
    if (ip.consumedPoints > perIp && pair.consumedPoints > 1) throw tooMany(pair.msBeforeNext);

    const pairEnds = Date.now() + pair.msBeforeNext;
    const ipEnds = Date.now() + ip.msBeforeNext;
    return {
      succeeded: async () => {
        await Promise.all([this.byEmailIp.delete(pairKey), refund(this.byIp, network, ipEnds)]);
      },
      abandoned: async () => {
        await Promise.all([refund(this.byEmailIp, pairKey, pairEnds), refund(this.byIp, network, ipEnds)]);
      },
    };
  }
}

/**
 * One reserved sign-in attempt. A wrong password needs nothing more: the reserved points are the
 * failure they count.
 */
export interface SignInAttempt {
  /** The password was right: the email's failures from this network are cleared, the network's point given back. */
  succeeded(): Promise<void>;
  /** The password was never checked (the server was busy, the database failed): both points are given back. */
  abandoned(): Promise<void>;
}

/** A fixed-window limit on an action per key (sign-ups per IP). */
export class ActionLimit {
  private readonly limiter: RateLimiterAbstract;

  constructor(keyPrefix: string, points: number, durationSeconds: number, make: LimiterFactory = memoryLimiter) {
    this.limiter = make(keyPrefix, points, durationSeconds);
  }

  /** @throws AppError `too_many_requests`, saying how long to wait, once the key has used up its points */
  async consume(key: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (err) {
      if (err instanceof RateLimiterRes) throw tooMany(err.msBeforeNext);
      throw err;
    }
  }

  /** Gives back the point of an attempt that the server, not the client, cut short. */
  async refund(key: string): Promise<void> {
    await this.limiter.reward(key, 1);
  }
}

function tooMany(msBeforeNext: number): AppError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError("too_many_requests", `too many attempts, try again in ${describeWait(seconds)}`, { retryAfterSeconds: seconds });
}

/** A consume's count either way: going over the limit rejects with the same RateLimiterRes. */
async function counted(consume: Promise<RateLimiterRes>): Promise<RateLimiterRes> {
  try {
    return await consume;
  } catch (err) {
    if (err instanceof RateLimiterRes) return err;
    throw err;
  }
}

async function refund(limiter: RateLimiterAbstract, key: string, windowEnds: number): Promise<void> {
  if (Date.now() < windowEnds - REFUND_MARGIN_MS) await limiter.reward(key, 1);
}
