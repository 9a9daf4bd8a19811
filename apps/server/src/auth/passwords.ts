import bcrypt from "bcrypt";
import { AppError } from "../errors.js";
import { FairQueue, type Refusal } from "./fairQueue.js";

export interface PasswordLimits {
  /** Hashes running at once (BCRYPT_MAX_CONCURRENT). */
  maxConcurrent: number;
  /** Hashes waiting for a slot before new ones are refused (BCRYPT_MAX_QUEUED). */
  maxQueued: number;
  /** Hashes waiting or running for one client network (BCRYPT_MAX_QUEUED_PER_IP). */
  maxPerClient: number;
}

/** The dummy hash is made once at start, by nobody in particular. */
const SERVER = "(server)";

/**
 * bcrypt hashing (the native `bcrypt` binding: it runs on libuv's thread pool, so hashing never
 * blocks the event loop). Sign-in compares against a dummy hash of the same cost when the email
 * is unknown, so "no such user" and "wrong password" take about the same time.
 *
 * At most `maxConcurrent` hashes run at once, so sign-ins cannot take every core from the event
 * loop (on one core, four concurrent hashes left it a fifth of the CPU and the sockets' p99 went
 * from milliseconds to hundreds of them). Past `maxQueued` waiting, a check fails as `unavailable` at once
 * rather than queue for longer than anyone would wait. Each client network (`clientNetwork.ts`)
 * has a fair share (`FairQueue`): at most `maxPerClient` of its checks wait or run (more are
 * refused as `too_many_requests`), and free slots go to the waiting networks in turn, so a flood
 * from one address neither fills the queue nor makes everyone else wait behind it.
 */
export class Passwords {
  private readonly dummy: Promise<string>;
  private readonly queue: FairQueue;

  constructor(
    private readonly cost: number,
    limits: PasswordLimits,
  ) {
    this.queue = new FairQueue({ concurrency: limits.maxConcurrent, maxQueued: limits.maxQueued, maxPerClient: limits.maxPerClient });
    this.dummy = this.run(SERVER, () => bcrypt.hash("tandem-dummy-password", cost));
  }

  /** Hashes a new password, queued under the client network asking for it. */
  hash(password: string, client: string): Promise<string> {
    return this.run(client, () => bcrypt.hash(password, this.cost));
  }

  /** Always does one full bcrypt comparison, whether or not there is a hash to compare with. */
  async verify(password: string, hash: string | null, client: string): Promise<boolean> {
    const against = hash ?? (await this.dummy);
    const ok = await this.run(client, () => bcrypt.compare(password, against));
    return hash !== null && ok;
  }

  /** Hashes running and waiting right now (for tests and diagnostics). */
  get load(): { active: number; pending: number } {
    return this.queue.load;
  }

  private run<T>(client: string, fn: () => Promise<T>): Promise<T> {
    const admission = this.queue.run(client, fn);
    return admission.ok ? admission.result : Promise.reject(refused(admission.refusal));
  }
}

function refused(refusal: Refusal): AppError {
  return refusal === "client_full"
    ? new AppError("too_many_requests", "too many sign-ins from your network at once, try again in a moment", { retryAfterSeconds: 1 })
    : new AppError("unavailable", "too many sign-ins at once, try again in a moment", { retryAfterSeconds: 1 });
}
