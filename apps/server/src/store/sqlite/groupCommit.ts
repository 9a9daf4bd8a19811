import type { SqliteConnection, Transaction } from "./connection.js";
import { isBusy, toStoreError } from "./sqliteErrors.js";

/**
 * How long a group commit that found the write lock taken by another process waits before its
 * next try (the last delay repeats), until `busy_timeout` has passed since its first try.
 */
export const LOCK_RETRY_DELAYS_MS = [0, 1, 2, 5, 10, 20, 50] as const;

/** A write waiting for the next group commit. */
interface QueuedWrite {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  /** When it first found another process holding the write lock (performance.now()). */
  waitingSince?: number;
}

/** How one write of a group commit went. */
type WriteOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit: every write queued during one turn of the event loop is committed by one
 * transaction, each write in a savepoint of its own. A commit is most of a write's cost (its WAL
 * frames, file locks and now and then an fsync), and under load several requests reach the store
 * in one turn; committing them together makes a busy server cheaper per write, at the price of one
 * `setImmediate` hop for a lone write (docs/performance.md).
 *
 * - A write that throws is rolled back to its savepoint and fails alone; a commit that fails
 *   fails every write in it, and none is kept.
 * - Callers' promises settle in queue order, so a user's events are published in seq order.
 * - When another process holds the write lock, the writes stay queued and are tried again after
 *   the next of LOCK_RETRY_DELAYS_MS, so the event loop goes on serving reads and sockets instead
 *   of sleeping in SQLite's busy handler; each write fails as `unavailable` once it has waited
 *   busy_timeout itself.
 */
export class GroupCommit {
  readonly #connection: SqliteConnection;
  #queued: QueuedWrite[] = [];
  /** Set while the queued writes wait for another process's write lock. */
  #lockRetry: { tries: number; timer: NodeJS.Timeout } | null = null;

  constructor(connection: SqliteConnection) {
    this.#connection = connection;
  }

  /** Runs `fn` (synchronous) inside the next group commit; resolves once it is committed. */
  write<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queued.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      // While a commit waits for the lock, its retry takes every write queued by then.
      if (this.#queued.length === 1 && this.#lockRetry === null) setImmediate(this.#commitQueued);
    });
  }

  /**
   * Commits what is queued now, waiting for another process's write lock as SQLite does (up to
   * busy_timeout): for `close()`, after which nothing can come.
   */
  flush(): void {
    this.#commit(true);
  }

  readonly #commitQueued = (): void => this.#commit(false);

  #commit(waitForLock: boolean): void {
    if (this.#lockRetry !== null) clearTimeout(this.#lockRetry.timer);
    const batch = this.#queued;
    this.#queued = [];
    if (batch.length === 0) {
      this.#lockRetry = null;
      return;
    }
    let began = false;
    let outcomes: WriteOutcome[];
    try {
      const tx = this.#connection.transaction();
      const commit = () =>
        tx.immediate(() => {
          began = true;
          return this.#runBatch(tx, batch);
        }) as WriteOutcome[];
      outcomes = waitForLock ? this.#connection.waitingForLocks(commit) : commit();
    } catch (err) {
      if (!began && !waitForLock && isBusy(err)) {
        this.#retry(batch, err);
        return;
      }
      this.#lockRetry = null;
      const error = toStoreError(err);
      for (const write of batch) write.reject(error);
      return;
    }
    this.#lockRetry = null;
    outcomes.forEach((outcome, i) => {
      const write = batch[i]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(toStoreError(outcome.error));
    });
  }

  /**
   * The batch found the write lock taken: each write that has waited busy_timeout since its first
   * try fails, as a blocking wait would have; the rest go back to the head of the queue. A write
   * that joined the queue during the wait gets a whole busy_timeout of its own.
   */
  #retry(batch: QueuedWrite[], busy: unknown): void {
    const now = performance.now();
    const waiting: QueuedWrite[] = [];
    const error = toStoreError(busy);
    for (const write of batch) {
      write.waitingSince ??= now;
      if (now - write.waitingSince >= this.#connection.busyTimeoutMs) write.reject(error);
      else waiting.push(write);
    }
    if (waiting.length === 0) {
      this.#lockRetry = null;
      return;
    }
    this.#queued = waiting.concat(this.#queued);
    const tries = this.#lockRetry?.tries ?? 0;
    const delay = LOCK_RETRY_DELAYS_MS[Math.min(tries, LOCK_RETRY_DELAYS_MS.length - 1)];
    this.#lockRetry = { tries: tries + 1, timer: setTimeout(this.#commitQueued, delay) };
  }

  /** The writes of one group commit, each in a savepoint of its own when there are several. */
  #runBatch(tx: Transaction, batch: QueuedWrite[]): WriteOutcome[] {
    return batch.map(({ fn }) => {
      try {
        // A transaction function called inside another runs in a savepoint. A lone write needs
        // none: if it throws, the whole transaction rolls back, and it was all of it.
        return { ok: true as const, value: batch.length === 1 ? fn() : tx(fn) };
      } catch (error) {
        // Some failures (a full disk, an I/O error, RAISE(ROLLBACK)) roll back the whole
        // transaction, not just the savepoint: then nothing of the batch is kept, and no later
        // write may run outside it (it would commit on its own), so the batch fails as one.
        if (batch.length === 1 || !this.#connection.db.inTransaction) throw error;
        return { ok: false as const, error };
      }
    });
  }
}
