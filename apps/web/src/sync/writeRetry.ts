import { ApiError } from "../api/errors";
import type { Environment } from "../environment";
import { backoffDelay } from "./backoff";

/**
 * When the outbox sends its head write again after "later" (no answer, 429, 503, a passing 5xx):
 * after `Retry-After` or a backoff delay that grows with each attempt, whichever is longer. While
 * a retry waits, new writes just join the queue: the retry sends them.
 */
export class WriteRetry {
  private cancel: (() => void) | null = null;
  private attempt = 0;

  constructor(
    private readonly env: Environment,
    private readonly due: () => void,
  ) {}

  /** A retry is scheduled and has not come due yet. */
  get waiting(): boolean {
    return this.cancel !== null;
  }

  /** How many times in a row the head write has been tried again. */
  get attempts(): number {
    return this.attempt;
  }

  schedule(error: unknown): void {
    // Offline, a timer would only fail again; the `online` event resumes the queue.
    if (!this.env.isOnline()) return;
    const serverWait = error instanceof ApiError && error.retryAfterSeconds !== null ? error.retryAfterSeconds * 1000 : 0;
    const delay = Math.max(serverWait, backoffDelay(this.attempt, this.env.random));
    this.attempt += 1;
    this.cancel = this.env.setTimer(() => {
      this.cancel = null;
      this.due();
    }, delay);
  }

  /** The head write got through: the next one starts from the first delay. */
  succeeded(): void {
    this.attempt = 0;
  }

  /** Drops the wait and starts over (the network or the connection is back, or the outbox is gone). */
  reset(): void {
    this.cancel?.();
    this.cancel = null;
    this.attempt = 0;
  }
}
