import type { LimiterFactory } from "../../limits/LimiterFactory.js";
import type { IdempotencyStore, PasswordResetStore, SessionStore, Store, TokenStore, UserStore } from "../Store.js";
import { SqliteConnection } from "./connection.js";
import { GroupCommit } from "./groupCommit.js";
import { sqliteIdempotency } from "./sqliteIdempotency.js";
import { SqliteLimiters } from "./sqliteLimiters.js";
import { SqliteTodoStorage } from "./SqliteTodoStorage.js";
import { SqliteWebhookStorage } from "./SqliteWebhookStorage.js";
import { toStoreError } from "./sqliteErrors.js";
import { sqlitePasswordResets, sqliteSessions, sqliteTokens, sqliteUsers } from "./sqliteAccounts.js";
import { WalCheckpointer } from "./walCheckpointer.js";

export interface SqliteStoreOptions {
  /** A file path, or ":memory:" for a database that lives as long as the store. */
  file: string;
  /** How long a write waits for another process's write lock before failing (ms). */
  busyTimeoutMs?: number;
  /**
   * Checkpoint the WAL from a worker thread (`WalCheckpointer`) instead of inside commits.
   * Default: on for a file, off for ":memory:" (which has no WAL).
   */
  backgroundCheckpoints?: boolean;
  /** Told when the background checkpointer fails (the store then checkpoints on its own again). */
  onBackgroundError?: (err: Error) => void;
}

/** Long enough to ride out another process's checkpoint, short enough to answer 503 promptly. */
const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
/** How often the background checkpointer copies the WAL into the database. */
const CHECKPOINT_INTERVAL_MS = 100;
/**
 * With background checkpoints, the app's connection still checkpoints by itself once the WAL
 * reaches this many pages (~40 MB): under steady writes the worker's passive checkpoints keep up
 * but rarely find a quiet moment to let the WAL restart, so this is when it restarts.
 */
const SAFETY_AUTOCHECKPOINT_PAGES = 10_000;
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;

/**
 * The embedded adapter: one SQLite file through better-sqlite3. Todo changes go through the
 * group commit (`groupCommit.ts`), which waits for another process's write lock without blocking
 * the event loop; the rarer writes (accounts, sessions, tokens) let SQLite wait for it, up to
 * busy_timeout, as reads do.
 */
export class SqliteStore implements Store {
  readonly kind = "sqlite";
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly tokens: TokenStore;
  readonly passwordResets: PasswordResetStore;
  readonly todos: SqliteTodoStorage;
  readonly webhooks: SqliteWebhookStorage;
  readonly limiters: LimiterFactory;
  readonly idempotency: IdempotencyStore;

  readonly #options: SqliteStoreOptions;
  readonly #connection: SqliteConnection;
  readonly #commits: GroupCommit;
  readonly #limits: SqliteLimiters;
  #checkpointer: WalCheckpointer | null = null;

  constructor(options: SqliteStoreOptions) {
    this.#options = options;
    this.#connection = new SqliteConnection(options.file, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
    this.#commits = new GroupCommit(this.#connection);
    this.todos = new SqliteTodoStorage(this.#connection, this.#commits);
    this.webhooks = new SqliteWebhookStorage(this.#connection, this.#commits);
    this.users = sqliteUsers(this.#connection);
    this.sessions = sqliteSessions(this.#connection);
    this.tokens = sqliteTokens(this.#connection);
    this.passwordResets = sqlitePasswordResets(this.#connection);
    this.#limits = new SqliteLimiters(this.#connection);
    this.limiters = this.#limits.make;
    this.idempotency = sqliteIdempotency(this.#connection);
  }

  async init(): Promise<void> {
    // Not `run`: opening already waits for locks, and must not run twice.
    try {
      this.#connection.open(() => this.#startCheckpointer());
    } catch (err) {
      throw toStoreError(err);
    }
    this.#limits.startPurging();
  }

  async ping(): Promise<void> {
    this.#connection.run(() => this.#connection.statements.ping.get());
  }

  async close(): Promise<void> {
    this.#limits.stopPurging();
    // First: the app's connection, closing last, makes the final checkpoint and removes the WAL.
    await this.#checkpointer?.stop();
    this.#checkpointer = null;
    // Writes already accepted (some while the checkpointer stopped) are committed, or failed,
    // before the connection goes.
    if (this.#connection.db.open && this.#connection.isReady) this.#commits.flush();
    this.#connection.close();
  }

  #startCheckpointer(): void {
    const { file, backgroundCheckpoints = file !== ":memory:" } = this.#options;
    if (!backgroundCheckpoints || this.#checkpointer !== null) return;
    const db = this.#connection.db;
    db.pragma(`wal_autocheckpoint = ${SAFETY_AUTOCHECKPOINT_PAGES}`);
    this.#checkpointer = new WalCheckpointer({
      file,
      intervalMs: CHECKPOINT_INTERVAL_MS,
      onFailure: (err) => {
        if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
        this.#options.onBackgroundError?.(err);
      },
    });
  }
}
