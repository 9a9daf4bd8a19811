import type { Environment } from "../environment";
import type { AppStateApi } from "../state/appState";
import type { FailedWrite, PendingWrite, WriteResult } from "../state/pendingWrite";
import { inTabLock, type DrainLock } from "./drainLock";
import type { OutboxChannel, OutboxMessage } from "./outboxChannel";
import { FallbackOutbox } from "./fallbackOutbox";
import { nextToSend, type OutboxStore } from "./outboxStore";
import { keptAsNew, keptOverCurrent, outcomeOf } from "./writeOutcome";
import { WriteRetry } from "./writeRetry";

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

const KEPT_IN_MEMORY = "This browser could not store your change. It will still be sent, but keep this page open until it is: closing it now would lose it.";

/**
 * The durable outbox: every write is recorded in the store before the list shows it (the commit
 * takes about a millisecond, well inside one frame), sent only from the store, and removed only
 * once the server acknowledged it, so whatever the person has seen survives a reload, a closed tab
 * or a killed browser; the next start (in any tab) sends what is left. Writes go one at a time,
 * oldest first, so the server sees them in the order the user made them, each with its Idempotency-Key:
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
  private readonly retries: WriteRetry;
  private disposed = false;
  /** A 401: the session is over, nothing more is sent (the account ends it and disposes this). */
  private halted = false;
  /** Recording, but not sending yet (see `start`). */
  private held = false;
  private serialTail: Promise<unknown> = Promise.resolve();
  private readonly store: FallbackOutbox;
  private readonly lock: DrainLock;
  private readonly channel: OutboxChannel | null;
  private readonly unsubscribes: Array<() => void>;

  constructor(private readonly options: OutboxOptions) {
    this.store = new FallbackOutbox(options.store);
    this.lock = options.lock ?? inTabLock();
    this.retries = new WriteRetry(options.env, () => void this.flush());
    this.channel = options.openChannel?.((message) => this.received(message)) ?? null;
    this.unsubscribes = [
      options.appState.subscribe((state, previous) => {
        // Back in touch with the server: send what queued up meanwhile, in order, now.
        if (state.connectionStatus === "live" && previous.connectionStatus !== "live") {
          this.resume();
          return;
        }
        // While a retry is scheduled new writes just join the queue; the retry sends them.
        if (state.pending !== previous.pending && state.pending.length > 0 && !this.retries.waiting) {
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
   * Records a write durably, then shows it. Should the browser refuse to store it, it is kept in
   * this tab's memory (and the person told so) before it is shown: a write is never on screen
   * without being on its way.
   */
  record(write: PendingWrite): Promise<void> {
    this.options.appState.getState().recordingStarted();
    const recorded = this.serial(async () => {
      const wasInMemory = this.store.inMemory;
      const durable = await this.store.addDurably(write);
      // From now on leaving the page with writes unsent asks first (unsavedChangesGuard.ts).
      if (!durable && !wasInMemory) this.options.appState.getState().notify(KEPT_IN_MEMORY);
      if (this.disposed) return;
      this.options.appState.getState().enqueued(write, true);
      if (durable) this.broadcast({ type: "changed" });
    });
    // Sent only from the store: a drain that read it before this write landed gets another pass.
    // (While a retry waits out its backoff, the retry sends it.)
    return recorded.then(() => {
      if (!this.retries.waiting) void this.flush();
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
    this.retries.reset();
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    this.channel?.close();
    if (this.options.appState.getState().writeRecorder !== null) this.options.appState.getState().setWriteRecorder(null);
  }

  /** Whether unsent writes live only in this tab (the browser refused to store one). */
  get inMemory(): boolean {
    return this.store.inMemory;
  }

  /** Retries now instead of waiting out the backoff (the network or the connection is back). */
  private resume(): void {
    this.retries.reset();
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
      } while (this.again && !this.disposed && !this.halted && !this.retries.waiting);
    } finally {
      this.running = false;
    }
  }

  private async drain(): Promise<void> {
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
      if (!(await this.acknowledge(head.writeId, result))) return;
      this.retries.succeeded();
    }
  }

  /** Takes an answered write off the durable queue (even if this tab is closing down), then shows the answer; false once disposed. */
  private async acknowledge(writeId: string, result: WriteResult): Promise<boolean> {
    await this.store.acknowledged(writeId, result);
    if (this.disposed) return false;
    this.options.appState.getState().writeSucceeded(writeId, result);
    this.broadcast({ type: "acknowledged", writeId, result });
    return true;
  }

  /** Handles a refused or unanswered write; returns whether to go on with the next one. */
  private async settleFailure(write: PendingWrite, error: unknown): Promise<boolean> {
    const outcome = outcomeOf(write, error, this.retries.attempts);
    switch (outcome.kind) {
      case "retry":
        this.retries.schedule(error);
        return false;
      case "signedOut":
        this.halted = true;
        this.options.onUnauthorized();
        return false;
      case "done":
        return this.acknowledge(write.writeId, outcome.result);
      case "failed":
        await this.store.failed(write.writeId, outcome.failure);
        // Signed out meanwhile: the failure is kept with the write, and shown at the next sign-in.
        if (this.disposed) return false;
        this.options.appState.getState().writeFailed(write, outcome.failure);
        this.broadcast({ type: "changed" });
        return true;
    }
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
      if (!this.disposed) this.options.appState.getState().outboxLoaded(entries);
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
