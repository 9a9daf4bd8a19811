import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { AppError } from "../errors.js";

export interface LoginThrottleOptions {
  windowMs: number;
  maxFailuresPerEmailIp: number;
  maxFailuresPerIp: number;
  /** Builds the limiter for one key space; defaults to in-process memory. */
  limiter?: LimiterFactory;
}

/** Makes the counter for one key space: `points` per `durationSeconds`. */
export type LimiterFactory = (keyPrefix: string, points: number, durationSeconds: number) => RateLimiterAbstract;

/**
 * Throttles failed sign-ins on two keys (OWASP's "login brute force" recipe): email+IP stops
 * guessing one account's password, IP alone stops spraying many accounts from one address.
 * Only failures count; a success clears the email+IP counter.
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

  /** @throws AppError `too_many_requests`, saying how long to wait, when either counter is exhausted */
  async check(email: string, ip: string): Promise<void> {
    const [pair, addr] = await Promise.all([this.byEmailIp.get(pairKey(email, ip)), this.byIp.get(ip)]);
    const waits: number[] = [];
    if (pair && pair.consumedPoints >= this.options.maxFailuresPerEmailIp) waits.push(pair.msBeforeNext);
    if (addr && addr.consumedPoints >= this.options.maxFailuresPerIp) waits.push(addr.msBeforeNext);
    if (waits.length > 0) throw tooMany(Math.max(...waits));
  }

  async fail(email: string, ip: string): Promise<void> {
    await Promise.all([swallowLimit(this.byEmailIp.consume(pairKey(email, ip))), swallowLimit(this.byIp.consume(ip))]);
  }

  async succeed(email: string, ip: string): Promise<void> {
    await this.byEmailIp.delete(pairKey(email, ip));
  }
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

export const memoryLimiter: LimiterFactory = (keyPrefix, points, duration) => new RateLimiterMemory({ keyPrefix, points, duration });

/**
 * Counters shared by every instance (otherwise N instances would allow N times the attempts).
 * While Redis is down each instance falls back to its own memory counters rather than failing
 * sign-in for everyone.
 */
export function redisLimiter(client: Redis): LimiterFactory {
  return (keyPrefix, points, duration) =>
    new RateLimiterRedis({
      storeClient: client,
      keyPrefix: `tandem:${keyPrefix}`,
      points,
      duration,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
    });
}

const pairKey = (email: string, ip: string) => `${email}_${ip}`;

function tooMany(msBeforeNext: number): AppError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError("too_many_requests", `too many attempts, try again in ${seconds} s`, { retryAfterSeconds: seconds });
}

/** Going over the limit rejects with a RateLimiterRes; for counting failures that is expected. */
async function swallowLimit(p: Promise<RateLimiterRes>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
  }
}
