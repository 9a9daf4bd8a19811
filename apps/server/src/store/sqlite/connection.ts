import Database from "better-sqlite3";
import { storeUnavailable } from "../storeErrors.js";
import { migrate } from "./schema.js";
import { makePrivate } from "./privateFile.js";
import { isBusy, toStoreError } from "./sqliteErrors.js";
import { prepareStatements, type Statements } from "./statements.js";

/**
 * The page cache, in KiB: SQLite's stock 2 MB rather than better-sqlite3's 16 MB, because a
 * bigger cache made commits slower (docs/performance.md). The file's pages the cache no longer
 * holds come from the OS page cache.
 */
const PAGE_CACHE_KIB = 2_000;

/** A transaction function that runs whatever function it is given. */
export type Transaction = Database.Transaction<(fn: () => unknown) => unknown>;

/**
 * The app's one connection to the SQLite file, and how it waits for another process's locks.
 *
 * better-sqlite3 is synchronous: every call does its work before it returns, so nothing else in
 * this process runs in the middle of a transaction. Writes use `BEGIN IMMEDIATE`, so a writer
 * takes the lock up front rather than failing when a read turns into a write. After set-up the
 * connection's `busy_timeout` is 0: a statement that finds a lock taken fails at once, and the
 * caller decides how to wait (the group commit without blocking the event loop; `run` through
 * SQLite's busy handler).
 */
export class SqliteConnection {
  readonly db: Database.Database;
  /** How long a statement may wait for another process's lock before failing (ms). */
  readonly busyTimeoutMs: number;
  #statements: Statements | null = null;
  #tx: Transaction | null = null;

  constructor(file: string, busyTimeoutMs: number) {
    this.busyTimeoutMs = Math.trunc(busyTimeoutMs);
    makePrivate(file);
    this.db = new Database(file, { timeout: this.busyTimeoutMs });
  }

  get isReady(): boolean {
    return this.#statements !== null;
  }

  /**
   * Sets the connection up and brings the schema forward. Waits for locks (the connection's
   * busy_timeout is still on), as opening a database must. `beforePrepare` runs once the schema
   * is current (the store starts its checkpointer there).
   */
  open(beforePrepare: () => void): void {
    if (this.#statements !== null) return;
    const db = this.db;
    // WAL: readers never block the writer and a commit is one append; NORMAL sync is durable
    // across process crashes in WAL mode (only an OS crash can lose the last commits).
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    migrate(db);
    beforePrepare();
    this.#statements = prepareStatements(db);
    db.pragma("busy_timeout = 0");
  }

  /** The prepared statements; fails as `unavailable` once closed, and as a bug before `open`. */
  get statements(): Statements {
    if (this.#statements !== null) return this.#statements;
    // Work that reaches the store after shutdown closed it (a handler that outlived the drain)
    // fails as an outage, logged as a warning, not as an unhandled bug. Use before init() is one.
    if (!this.db.open) throw storeUnavailable(new Error("SqliteStore is closed"));
    throw new Error("SqliteStore used before init()");
  }

  /** One transaction wrapper for every call, built once; checks the store is open first. */
  transaction(): Transaction {
    void this.statements;
    this.#tx ??= this.db.transaction((fn: () => unknown) => fn());
    return this.#tx;
  }

  /** A read transaction: several statements that see one snapshot. */
  read<T>(fn: () => T): T {
    return this.run(() => this.transaction().deferred(fn) as T);
  }

  /**
   * Runs `fn`, turning infrastructure failures into `unavailable`. When another process holds a
   * lock it needs, `fn` runs again with SQLite waiting for the lock (up to busy_timeout): these are
   * single statements, or a read and then a write that is the same on a second run.
   */
  run<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (!isBusy(err) || this.db.inTransaction) throw toStoreError(err);
      try {
        return this.waitingForLocks(fn);
      } catch (again) {
        throw toStoreError(again);
      }
    }
  }

  /** Runs `fn` with SQLite's busy handler waiting up to busy_timeout for a lock another process holds. */
  waitingForLocks<T>(fn: () => T): T {
    this.db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
    try {
      return fn();
    } finally {
      if (this.db.open) this.db.pragma("busy_timeout = 0");
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.#statements = null;
  }
}
