import { ApiError } from "../api/errors";
import type { Environment } from "../environment";
import type { AppStateApi } from "../state/appState";
import type { FailedWrite, PendingWrite, WriteResult } from "../state/pendingWrite";
import { backoffDelay } from "./backoff";
import { inTabLock, type DrainLock } from "./drainLock";
import type { OutboxChannel, OutboxMessage } from "./outboxChannel";
import { memoryCopyOf, nextToSend, type OutboxStore } from "./outboxStore";
import { keptAsNew, keptOverCurrent, outcomeOf } from "./writeOutcome";

export interface OutboxOptions {
  appState: AppStateApi;
  send(write: PendingWrite): Promise<WriteResult>;
  /** A write was answered 401: the server ended the session. The outbox stops sending. */
  onUnauthorized(): void;
  env: Environment;
  /** This user's durable queue (IndexedDB; in memory where that is missing). */
  store: OutboxStore;
  /** Held while draining, so one tab of the browser drains at a time (default: this tab only). */
  lock?: DrainLock;
  /** Whether this browser is still signed in as this outbox's user (checked before each send). */
  isStillSignedIn?(): boolean;
  /** Opens the channel to this user's other tabs; null where there is none. */
  openChannel?(onMessage: (message: OutboxMessage) => void): OutboxChannel | null;
}

/**
 * The durable outbox: every write is shown and recorded in the store in the same moment (the
 * store's commit takes milliseconds; a checkbox must change when it is clicked), sent only once
 * stored, and removed only once the server acknowledged it, so a reload, a closed tab or a killed
 * browser loses nothing; the next start (in any tab) sends what is left. Writes go one at a time, oldest first,
 * so the server sees them in the order the user made them, each with its Idempotency-Key:
 *
 * - success → removed, later edits of the same todo rebased on the version it produced, and the
 *   app state reconciles the todo from the server's answer (every tab of the user's, by broadcast);
 * - no answer / 503 / 429 → the write stays at the head of the queue and is sent again after
 *   a backoff delay, on `online`, or when the app state says the connection is live again;
 *   another 5xx the same way, a few times, then as a refusal (writeOutcome.ts);
 * - any other refusal → the write is kept as failed (with the server's reason, and the current
 *   todo on a conflict), the user is told, and may retry or discard it; the queue carries on.
 */
export class Outbox {
  private running = false;
  private again = false;
  private current: Promise<void> = Promise.resolve();
  private cancelRetry: (() => void) | null = null;
  private attempt = 0;
  private disposed = false;
  /** A 401: the session is over, nothing more is sent (the account ends it and disposes this). */
  private halted = false;
  /** Recording, but not sending yet (see `start`). */
  private held = false;
  private serialTail: Promise<unknown> = Promise.resolve();
  /** Shown, but not yet in the store: a reload of the store must not hide them. */
  private unstored: PendingWrite[] = [];
  /** The durable store, until the browser refuses a write to it: then this tab's memory. */
  private store: OutboxStore;
  private readonly lock: DrainLock;
  private readonly channel: OutboxChannel | null;
  private readonly unsubscribes: Array<() => void>;

  constructor(private readonly options: OutboxOptions) {
    this.store = options.store;
    this.lock = options.lock ?? inTabLock();
    this.channel = options.openChannel?.((message) => this.received(message)) ?? null;
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

  /**
   * Shows what the store holds (writes left by an earlier visit) and records new writes; sends
   * them too unless `hold`: then nothing is sent until `release` (the server has not yet said
   * whose session this browser's cookie is).
   */
  async start({ hold = false }: { hold?: boolean } = {}): Promise<void> {
    this.held = hold;
    this.options.appState.getState().setWriteRecorder((write) => void this.record(write));
    await this.reload();
    void this.flush();
  }

  /** Starts sending what `start({ hold: true })` held back. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    void this.flush();
  }

  /**
   * Shows a write and records it durably in the same moment (the store's transaction commits
   * within milliseconds; a checkbox must change when it is clicked, not a moment later); the
   * queue sends it once it is stored.
   */
  record(write: PendingWrite): Promise<void> {
    this.options.appState.getState().enqueued(write);
    this.unstored.push(write);
    const stored = this.serial(async () => {
      try {
        await this.store.add(write);
      } catch {
        await this.keepInMemory(write);
        return;
      } finally {
        this.unstored = this.unstored.filter((w) => w !== write);
      }
      this.broadcast({ type: "changed" });
    });
    // Sent only from the store: a drain that read it before this write landed gets another pass.
    // (While a retry waits out its backoff, the retry sends it.)
    return stored.then(() => {
      if (this.cancelRetry === null) void this.flush();
    });
  }

  /** Sends whatever is queued; resolves when the queue is empty or waiting for a retry. */
  flush(): Promise<void> {
    if (this.disposed || this.halted || this.held) return this.current;
    if (this.running) {
      this.again = true;
      return this.current;
    }
    this.current = this.loop();
    return this.current;
  }

  /** Resolves once every write asked to be recorded so far is recorded and shown. */
  idle(): Promise<void> {
    return this.serial(async () => {});
  }

  /** Queues a failed write again, in its old place. */
  retry(writeId: string): Promise<void> {
    return this.changeStored(() => this.store.retry(writeId));
  }

  /** Drops a failed write for good. */
  discard(writeId: string): Promise<void> {
    return this.changeStored(() => this.store.discard(writeId));
  }

  /** Replaces a failed edit (or create) with a new todo carrying its text. */
  keepAsNew(writeId: string): Promise<void> {
    return this.replaceFailed(writeId, (failed) => keptAsNew(failed.write));
  }

  /** Sends a conflicting edit again over the todo as it is now, knowingly. */
  overwrite(writeId: string): Promise<void> {
    return this.replaceFailed(writeId, keptOverCurrent);
  }

  /** Drops every unsent write of this user (a sign-out that discards them). */
  clear(): Promise<void> {
    return this.changeStored(() => this.store.clear());
  }

  dispose(): void {
    this.disposed = true;
    this.cancelRetry?.();
    this.cancelRetry = null;
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    this.channel?.close();
    if (this.options.appState.getState().writeRecorder !== null) this.options.appState.getState().setWriteRecorder(null);
  }

  /** Whether unsent writes live only in this tab (the browser refused to store one). */
  get inMemory(): boolean {
    return this.store !== this.options.store;
  }

  /**
   * The browser refused to store a write (its storage is full, or its database went away): from
   * now on this tab keeps the queue (what was stored, and this write) in its memory, so what is
   * shown is still sent, in order, and leaving the page with writes unsent asks first.
   */
  private async keepInMemory(write: PendingWrite): Promise<void> {
    if (!this.inMemory) this.store = await memoryCopyOf(this.store);
    await this.store.add(write);
    this.options.appState
      .getState()
      .notify("This browser could not store your change. It will still be sent, but keep this page open until it is: closing it now would lose it.");
  }

  /** Retries now instead of waiting out the backoff (the network or the connection is back). */
  private resume(): void {
    this.cancelRetry?.();
    this.cancelRetry = null;
    this.attempt = 0;
    void this.flush();
  }

  private async loop(): Promise<void> {
    // Set synchronously; a flush while a drain runs asks for one more pass, so a write recorded
    // while the drain was reading the store is never left behind.
    this.running = true;
    try {
      do {
        this.again = false;
        await this.lock.run(() => this.drain());
      } while (this.again && !this.disposed && !this.halted && this.cancelRetry === null);
    } finally {
      this.running = false;
    }
  }

  private async drain(): Promise<void> {
    const { appState } = this.options;
    for (;;) {
      // Offline (the browser is sure of that much), a request could only fail: wait for `online`.
      if (this.disposed || !this.options.env.isOnline()) return;
      // Another tab of this browser signed in as someone else: the cookie is theirs now, and
      // nothing of this user's may be sent with it.
      if (this.options.isStillSignedIn?.() === false) {
        this.halted = true;
        this.options.onUnauthorized();
        return;
      }
      const head = nextToSend(await this.store.all());
      if (head === undefined) return;
      let result: WriteResult;
      try {
        result = await this.options.send(head);
      } catch (error) {
        if (this.disposed) return;
        if (!(await this.settleFailure(head, error))) return;
        continue;
      }
      // Acknowledged: off the durable queue even if this tab is closing down.
      await this.store.acknowledged(head.writeId, result);
      if (this.disposed) return;
      this.attempt = 0;
      appState.getState().writeSucceeded(head.writeId, result);
      this.broadcast({ type: "acknowledged", writeId: head.writeId, result });
    }
  }

  /** Handles a refused or unanswered write; returns whether to go on with the next one. */
  private async settleFailure(write: PendingWrite, error: unknown): Promise<boolean> {
    const outcome = outcomeOf(write, error, this.attempt);
    switch (outcome.kind) {
      case "retry":
        this.scheduleRetry(error);
        return false;
      case "signedOut":
        this.halted = true;
        this.options.onUnauthorized();
        return false;
      case "done":
        await this.store.acknowledged(write.writeId, outcome.result);
        if (this.disposed) return false;
        this.options.appState.getState().writeSucceeded(write.writeId, outcome.result);
        this.broadcast({ type: "acknowledged", writeId: write.writeId, result: outcome.result });
        return true;
      case "failed":
        await this.store.failed(write.writeId, outcome.failure);
        // Signed out meanwhile: the failure is kept with the write, and shown at the next sign-in.
        if (this.disposed) return false;
        this.options.appState.getState().writeFailed(write, outcome.failure);
        this.broadcast({ type: "changed" });
        return true;
    }
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

  private received(message: OutboxMessage): void {
    if (this.disposed) return;
    if (message.type === "acknowledged") this.options.appState.getState().writeSucceeded(message.writeId, message.result);
    void this.reload();
  }

  /** Records the write that keeps a failed one's text, then drops the failed one (in that order: closing the tab in between loses nothing). */
  private async replaceFailed(writeId: string, replacement: (failed: FailedWrite) => PendingWrite | null): Promise<void> {
    const failed = this.options.appState.getState().failed.find((entry) => entry.write.writeId === writeId);
    const write = failed === undefined ? null : replacement(failed);
    if (write === null) return;
    await this.record(write);
    await this.discard(writeId);
  }

  private async changeStored(change: () => Promise<void>): Promise<void> {
    await this.serial(change);
    await this.reload();
    this.broadcast({ type: "changed" });
    void this.flush();
  }

  /** Shows the stored outbox (through the same queue as `record`, so it never undoes one). */
  private reload(): Promise<void> {
    return this.serial(async () => {
      const entries = await this.store.all();
      const shown = [...entries, ...this.unstored.map((write) => ({ write, failure: null }))];
      if (!this.disposed) this.options.appState.getState().outboxLoaded(shown);
    });
  }

  private broadcast(message: OutboxMessage): void {
    try {
      this.channel?.post(message);
    } catch {
      // A closed channel (the tab is going away): the other tabs read the store when they next need it.
    }
  }

  /** Runs store work one piece at a time, in the order asked. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.serialTail.then(fn, fn);
    this.serialTail = result.catch(() => {});
    return result;
  }
}
