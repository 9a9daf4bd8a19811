import { ApiError, errorMessage, isNotFound, isRetryable, isUnauthorized } from "../api/errors";
import type { Environment } from "../environment";
import type { AppStateApi } from "../state/appState";
import type { PendingWrite, WriteResult } from "../state/pendingWrite";
import { backoffDelay } from "./backoff";

export interface OutboxOptions {
  appState: AppStateApi;
  send(write: PendingWrite): Promise<WriteResult>;
  /** A write was answered 401: the server ended the session. The outbox stops sending. */
  onUnauthorized(): void;
  env: Environment;
}

/**
 * Sends the app state's pending writes to the server one at a time, oldest first, so the server
 * sees them in the order the user made them (a rename never overtakes the create it renames).
 *
 * - success → the app state reconciles the todo from the server's answer (with its version);
 * - no answer / 503 / 429 → the write stays at the head of the queue and is sent again after
 *   a backoff delay, on `online`, or when the app state says the connection is live again;
 * - any other refusal → that write is rolled back and the user told the server's reason;
 *   the queue then carries on with the next write.
 */
export class Outbox {
  private running = false;
  private current: Promise<void> = Promise.resolve();
  private cancelRetry: (() => void) | null = null;
  private attempt = 0;
  private disposed = false;
  private readonly unsubscribes: Array<() => void>;

  constructor(private readonly options: OutboxOptions) {
    this.unsubscribes = [
      options.appState.subscribe((state, previous) => {
        // Back in touch with the server: send what queued up meanwhile, in order, now.
        if (state.connectionStatus === "live" && previous.connectionStatus !== "live") {
          this.resume();
          return;
        }
        // While a retry is scheduled new writes just join the queue; the retry sends them.
        if (state.pending !== previous.pending && state.pending.length > 0 && this.cancelRetry === null) {
          void this.flush();
        }
      }),
      options.env.on("online", () => this.resume()),
    ];
  }

  /** Sends whatever is queued; resolves when the queue is empty or waiting for a retry. */
  flush(): Promise<void> {
    if (!this.running && !this.disposed) this.current = this.drain();
    return this.current;
  }

  /** Retries now instead of waiting out the backoff (the network or the connection is back). */
  private resume(): void {
    this.cancelRetry?.();
    this.cancelRetry = null;
    this.attempt = 0;
    void this.flush();
  }

  dispose(): void {
    this.disposed = true;
    this.cancelRetry?.();
    this.cancelRetry = null;
    for (const unsubscribe of this.unsubscribes) unsubscribe();
  }

  private async drain(): Promise<void> {
    // Set synchronously, and cleared in the same turn the loop sees an empty queue, so a write
    // queued at any moment either is seen by this loop or starts a new one.
    this.running = true;
    try {
      for (;;) {
        const { appState } = this.options;
        const head = appState.getState().pending[0];
        // Offline (the browser is sure of that much), a request could only fail: wait for `online`.
        if (head === undefined || this.disposed || !this.options.env.isOnline()) return;
        let result: WriteResult;
        try {
          result = await this.options.send(head);
        } catch (error) {
          if (this.disposed) return;
          if (!this.settleFailure(head, error)) return;
          continue;
        }
        if (this.disposed) return;
        this.attempt = 0;
        appState.getState().writeSucceeded(head.writeId, result);
      }
    } finally {
      this.running = false;
    }
  }

  /** Handles a refused or unanswered write; returns whether to go on with the next one. */
  private settleFailure(write: PendingWrite, error: unknown): boolean {
    const state = this.options.appState.getState();
    if (isRetryable(error)) {
      this.scheduleRetry(error);
      return false;
    }
    if (isUnauthorized(error)) {
      this.options.onUnauthorized();
      return false;
    }
    if (write.kind === "delete" && isNotFound(error)) {
      // Already gone (deleted elsewhere, or an earlier attempt landed but its answer was lost):
      // the user's intent holds.
      state.writeSucceeded(write.writeId, { kind: "deleted", ids: [write.id] });
      return true;
    }
    state.writeFailed(write.writeId, errorMessage(error));
    return true;
  }

  private scheduleRetry(error: unknown): void {
    const { env } = this.options;
    // Offline, a timer would only fail again; the `online` event resumes the queue.
    if (!env.isOnline()) return;
    const serverWait = error instanceof ApiError && error.retryAfterSeconds !== null ? error.retryAfterSeconds * 1000 : 0;
    const delay = Math.max(serverWait, backoffDelay(this.attempt, env.random));
    this.attempt += 1;
    this.cancelRetry = env.setTimer(() => {
      this.cancelRetry = null;
      void this.flush();
    }, delay);
  }
}
