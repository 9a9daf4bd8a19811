import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { TODO_OBJECT_TYPE } from "@tandem/protocol";
import type { ChangeEvent, Seq, Todo, TokenInfo, User } from "@tandem/protocol";
import { changeTime, deleteEvent, isCompleteSince, upsertEvent } from "./changeEvents.js";
import { fromLogEntry, toLogEntry } from "./sqliteChangeLog.js";
import { migrate } from "./sqliteSchema.js";
import { WalCheckpointer } from "./walCheckpointer.js";
import { isBusy, isUniqueViolation, toStoreError } from "./sqliteErrors.js";
import { EmailTakenError, IdTakenError, StoreUnavailableError } from "./Store.js";
import type { ChangeContext, SessionRecord, Store, StoreOptions, TokenRecord, UserRecord } from "./Store.js";

export interface SqliteStoreOptions extends StoreOptions {
  /** A file path, or ":memory:" for a database that lives as long as the store. */
  file: string;
  /** How long a statement waits for another process's write lock before failing (ms). */
  busyTimeoutMs?: number;
  /**
   * How often expired sessions are deleted (ms). Reads already ignore them, so this only bounds
   * the table's size; 15 minutes keeps the delete small without running it on every request.
   */
  sessionPurgeIntervalMs?: number;
  /**
   * Checkpoint the WAL from a worker thread (`WalCheckpointer`) instead of inside commits.
   * Default: on for a file, off for ":memory:" (which has no WAL).
   */
  backgroundCheckpoints?: boolean;
  /** Told when the background checkpointer fails (the store then checkpoints on its own again). */
  onBackgroundError?: (err: Error) => void;
}

/**
 * `last_used_at` is written at most this often per token: an API client may call many times a
 * second, and "last used" is only shown to people, so a write per request would be waste.
 */
const LAST_USED_RESOLUTION_MS = 60_000;

const DEFAULT_SESSION_PURGE_INTERVAL_MS = 15 * 60_000;

/** How often the background checkpointer copies the WAL into the database. */
const CHECKPOINT_INTERVAL_MS = 100;
/**
 * With background checkpoints, the app's connection still checkpoints by itself once the WAL
 * reaches this many pages (~40 MB): under steady writes the worker's passive checkpoints keep up
 * but rarely find a quiet moment to let the WAL restart, so this is when it restarts (the pages
 * left to copy by then are the last ~100 ms' worth). SQLite's own default is 1,000.
 */
const SAFETY_AUTOCHECKPOINT_PAGES = 10_000;
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;

/** How many seqs apart the change log is trimmed (see `#trim`). */
const TRIM_EVERY = 32;

/**
 * The page cache, in KiB: SQLite's stock 2 MB rather than better-sqlite3's 16 MB. SQLite (3.53)
 * moves a page to the locking page's number (page 262,145 at 4 KB pages) while it rebalances a
 * B-tree, and its cache then believes it holds a page that far past the end of the file; the
 * commit's cache truncation, no longer a trim of the last few pages, walks every page the cache
 * holds. A change-log insert often rebalances, so a big cache made most commits slower:
 * 129 → 114 µs per lone todo write measured going from 16 MB to 2 MB (bench/README.md).
 * The file's pages the cache no longer holds come from the OS page cache.
 */
const PAGE_CACHE_KIB = 2_000;

/** Long enough to ride out another process's checkpoint, short enough to answer 503 promptly. */
const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/**
 * How long a group commit that found the write lock taken by another process waits before its
 * next try (the last delay repeats), until `busy_timeout` has passed since its first try.
 */
const LOCK_RETRY_DELAYS_MS = [0, 1, 2, 5, 10, 20, 50] as const;

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
}

interface TokenRow {
  id: string;
  user_id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

interface SessionRow {
  id: string;
  user_id: string;
  signed_in_at: number;
  expires_at: number;
}

interface TodoRow {
  id: string;
  user_id: string;
  text: string;
  done: number;
  created_at: string;
  updated_at: string;
  device: string | null;
  version: number;
}

const TODO_COLUMNS = "id, user_id, text, done, created_at, updated_at, device, version";
/** Oldest first; `created_seq` orders todos created within the same millisecond. */
const TODO_ORDER = "ORDER BY created_at, created_seq";

function prepareStatements(db: Database.Database) {
  return {
    ping: db.prepare<[], number>("SELECT 1").pluck(),

    insertUser: db.prepare<[id: string, email: string, passwordHash: string, createdAt: string]>(
      "INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)",
    ),
    userByEmail: db.prepare<[email: string], UserRow>("SELECT id, email, password_hash FROM users WHERE email = ?"),
    userById: db.prepare<[id: string], UserRow>("SELECT id, email, password_hash FROM users WHERE id = ?"),
    // The newest seq of the user's log (0 before their first change): the end of their range of
    // the log's primary key, the page their next event goes into.
    userSeq: db.prepare<[userId: string], number>("SELECT coalesce(max(seq), 0) FROM events WHERE user_id = ?").pluck(),

    insertToken: db.prepare<[id: string, userId: string, name: string, tokenHash: string, createdAt: string]>(
      "INSERT INTO tokens (id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
    ),
    tokenByHash: db.prepare<[tokenHash: string], TokenRow>(
      "SELECT id, user_id, name, created_at, last_used_at FROM tokens WHERE token_hash = ?",
    ),
    markTokenUsed: db.prepare<[lastUsedAt: string, id: string]>("UPDATE tokens SET last_used_at = ? WHERE id = ?"),
    tokensOf: db.prepare<[userId: string], TokenRow>(
      "SELECT id, user_id, name, created_at, last_used_at FROM tokens WHERE user_id = ? ORDER BY created_at, rowid",
    ),
    deleteToken: db.prepare<[id: string, userId: string]>("DELETE FROM tokens WHERE id = ? AND user_id = ?"),

    insertSession: db.prepare<[id: string, userId: string, signedInAt: number, expiresAt: number]>(
      "INSERT INTO browser_sessions (id, user_id, signed_in_at, expires_at) VALUES (?, ?, ?, ?)",
    ),
    sessionById: db.prepare<[id: string, now: number], SessionRow>(
      "SELECT id, user_id, signed_in_at, expires_at FROM browser_sessions WHERE id = ? AND expires_at > ?",
    ),
    sessionUserById: db.prepare<[id: string, now: number], SessionRow & { email: string }>(
      `SELECT s.id, s.user_id, s.signed_in_at, s.expires_at, u.email
         FROM browser_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = ? AND s.expires_at > ?`,
    ),
    extendSession: db.prepare<[expiresAt: number, id: string, expiresAtAgain: number]>(
      "UPDATE browser_sessions SET expires_at = ? WHERE id = ? AND expires_at < ?",
    ),
    deleteSession: db.prepare<[id: string]>("DELETE FROM browser_sessions WHERE id = ?"),
    purgeSessions: db.prepare<[now: number]>("DELETE FROM browser_sessions WHERE expires_at <= ?"),

    todoById: db.prepare<[id: string], TodoRow>(`SELECT ${TODO_COLUMNS} FROM todos WHERE id = ?`),
    todoOf: db.prepare<[id: string, userId: string], TodoRow>(
      `SELECT ${TODO_COLUMNS} FROM todos WHERE id = ? AND user_id = ?`,
    ),
    todosOf: db.prepare<[userId: string], TodoRow>(`SELECT ${TODO_COLUMNS} FROM todos WHERE user_id = ? ${TODO_ORDER}`),
    todosByDone: db.prepare<[userId: string, done: number], TodoRow>(
      `SELECT ${TODO_COLUMNS} FROM todos WHERE user_id = ? AND done = ? ${TODO_ORDER}`,
    ),
    // The idempotent create in one statement: a taken id inserts nothing (and the caller looks at
    // what holds it). created_seq is the seq this create is about to take.
    insertNewTodo: db.prepare<
      [id: string, userId: string, text: string, createdAt: string, updatedAt: string, device: string | null, createdSeq: number]
    >(
      `INSERT INTO todos (id, user_id, text, done, created_at, updated_at, device, version, created_seq)
       VALUES (?, ?, ?, 0, ?, ?, ?, 1, ?)
       ON CONFLICT (id) DO NOTHING`,
    ),
    updateTodo: db.prepare<
      [text: string, done: number, updatedAt: string, device: string | null, id: string, userId: string],
      TodoRow
    >(
      `UPDATE todos SET text = ?, done = ?, updated_at = ?, device = ?, version = version + 1
       WHERE id = ? AND user_id = ? RETURNING ${TODO_COLUMNS}`,
    ),
    deleteTodo: db.prepare<[id: string, userId: string]>("DELETE FROM todos WHERE id = ? AND user_id = ?"),

    insertEvent: db.prepare<[userId: string, seq: number, entry: string]>(
      "INSERT INTO events (user_id, seq, entry) VALUES (?, ?, ?)",
    ),
    trimEvents: db.prepare<[userId: string, upTo: number]>("DELETE FROM events WHERE user_id = ? AND seq <= ?"),
    eventsSince: db.prepare<[userId: string, since: number], { seq: number; entry: string }>(
      "SELECT seq, entry FROM events WHERE user_id = ? AND seq > ? ORDER BY seq",
    ),
  };
}
type Statements = ReturnType<typeof prepareStatements>;

function toTodo(row: TodoRow): Todo {
  return {
    id: row.id,
    text: row.text,
    done: row.done === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    device: row.device,
    userId: row.user_id,
    objectType: TODO_OBJECT_TYPE,
    version: row.version,
  };
}

function toSessionRecord(row: SessionRow): SessionRecord {
  return { id: row.id, userId: row.user_id, signedInAt: row.signed_in_at, expiresAt: row.expires_at };
}

function toTokenInfo(row: TokenRow): TokenInfo {
  return { id: row.id, name: row.name, createdAt: row.created_at, lastUsedAt: row.last_used_at };
}

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
 * The embedded adapter: one SQLite file through better-sqlite3.
 *
 * better-sqlite3 is synchronous, so every method does its work before its promise is even
 * returned; nothing else in this process can run in the middle of a transaction. Writes use
 * `BEGIN IMMEDIATE` so that, should another process share the file, a writer takes the lock up
 * front instead of failing when a read turns into a write. The todo writes (group commits) wait
 * for that lock without blocking the event loop (see #retryCommit); the rarer writes (accounts,
 * sessions, tokens) let SQLite wait for it, up to `busy_timeout`, as reads would on recovery.
 */
export class SqliteStore implements Store {
  readonly kind = "sqlite";

  readonly #db: Database.Database;
  #tx: Database.Transaction<(fn: () => unknown) => unknown> | null = null;
  #queued: QueuedWrite[] = [];
  readonly #options: SqliteStoreOptions;
  #statements: Statements | null = null;
  #purgeTimer: NodeJS.Timeout | null = null;
  #checkpointer: WalCheckpointer | null = null;
  readonly #busyTimeoutMs: number;
  /** Set while the queued writes wait for another process's write lock (see #retryCommit). */
  #lockRetry: { tries: number; timer: NodeJS.Timeout } | null = null;

  constructor(options: SqliteStoreOptions) {
    // The newest event of a user's log is their seq (see #nextSeq): the trim must always keep one.
    if (!(options.changeLogLimit >= 1)) throw new RangeError(`changeLogLimit must be at least 1, not ${options.changeLogLimit}`);
    this.#options = options;
    this.#busyTimeoutMs = Math.trunc(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
    this.#db = new Database(options.file, { timeout: this.#busyTimeoutMs });
  }

  async init(): Promise<void> {
    // Not #run: setting up already waits for locks (the connection's busy_timeout until the end),
    // and must not run twice.
    try {
      this.#setUp();
    } catch (err) {
      throw toStoreError(err);
    }
  }

  #setUp(): void {
    if (this.#statements !== null) return;
    const db = this.#db;
    // WAL: readers never block the writer and a commit is one append; NORMAL sync is
    // durable across process crashes in WAL mode (only an OS crash can lose the last commits).
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    migrate(db);
    this.#startCheckpointer();
    this.#statements = prepareStatements(db);
    this.purgeExpiredSessions();
    this.#purgeTimer = setInterval(() => {
      try {
        this.purgeExpiredSessions();
      } catch {
        // Retried on the next tick; reads skip expired rows meanwhile.
      }
    }, this.#options.sessionPurgeIntervalMs ?? DEFAULT_SESSION_PURGE_INTERVAL_MS);
    // The purge must never be what keeps the process alive.
    this.#purgeTimer.unref();
    // From here on a statement that finds a lock taken fails at once, and the store decides how
    // to wait: a group commit without blocking the event loop (#retryCommit), anything else
    // through SQLite's busy handler after all (#run). Setting up above waited, as it should.
    db.pragma("busy_timeout = 0");
  }

  async ping(): Promise<void> {
    this.#run(() => this.#s().ping.get());
  }

  async close(): Promise<void> {
    // First: the app's connection, closing last, makes the final checkpoint and removes the WAL.
    await this.#checkpointer?.stop();
    this.#checkpointer = null;
    if (this.#purgeTimer !== null) clearInterval(this.#purgeTimer);
    this.#purgeTimer = null;
    // Writes already accepted (some while the checkpointer stopped) are committed, or failed,
    // before the connection goes: here SQLite waits for another process's write lock (up to
    // busy_timeout), as nothing can come later.
    if (this.#db.open) this.#commit(true);
    if (this.#db.open) this.#db.close();
    this.#statements = null;
  }

  // ---- users

  async createUser(input: { email: string; passwordHash: string }): Promise<User> {
    return this.#run(() => {
      const id = randomUUID();
      try {
        this.#s().insertUser.run(id, input.email, input.passwordHash, new Date().toISOString());
      } catch (err) {
        // users.id is a fresh UUID, so the only unique key this insert can break is the email.
        if (isUniqueViolation(err)) throw new EmailTakenError();
        throw err;
      }
      return { id, email: input.email };
    });
  }

  async findUserByEmail(email: string): Promise<UserRecord | null> {
    return this.#run(() => {
      const row = this.#s().userByEmail.get(email);
      return row === undefined ? null : { id: row.id, email: row.email, passwordHash: row.password_hash };
    });
  }

  async findUserById(id: string): Promise<User | null> {
    return this.#run(() => {
      const row = this.#s().userById.get(id);
      return row === undefined ? null : { id: row.id, email: row.email };
    });
  }

  // ---- API tokens

  async createToken(input: { userId: string; name: string; tokenHash: string }): Promise<TokenInfo> {
    return this.#run(() => {
      const info: TokenInfo = { id: randomUUID(), name: input.name, createdAt: new Date().toISOString(), lastUsedAt: null };
      this.#s().insertToken.run(info.id, input.userId, info.name, input.tokenHash, info.createdAt);
      return info;
    });
  }

  async useToken(tokenHash: string): Promise<TokenRecord | null> {
    return this.#run(() => {
      const s = this.#s();
      const row = s.tokenByHash.get(tokenHash);
      if (row === undefined) return null;
      const now = new Date();
      const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
      if (row.last_used_at === null || row.last_used_at < staleBefore) {
        row.last_used_at = now.toISOString();
        s.markTokenUsed.run(row.last_used_at, row.id);
      }
      return { ...toTokenInfo(row), userId: row.user_id };
    });
  }

  async listTokens(userId: string): Promise<TokenInfo[]> {
    return this.#run(() => this.#s().tokensOf.all(userId).map(toTokenInfo));
  }

  async deleteToken(userId: string, tokenId: string): Promise<boolean> {
    return this.#run(() => this.#s().deleteToken.run(tokenId, userId).changes > 0);
  }

  // ---- browser sessions

  async createSession(session: SessionRecord): Promise<void> {
    this.#run(() => this.#s().insertSession.run(session.id, session.userId, session.signedInAt, session.expiresAt));
  }

  async findSession(id: string, now: number): Promise<SessionRecord | null> {
    return this.#run(() => {
      const row = this.#s().sessionById.get(id, now);
      return row === undefined ? null : toSessionRecord(row);
    });
  }

  async findSessionUser(id: string, now: number): Promise<{ session: SessionRecord; user: User } | null> {
    return this.#run(() => {
      const row = this.#s().sessionUserById.get(id, now);
      return row === undefined ? null : { session: toSessionRecord(row), user: { id: row.user_id, email: row.email } };
    });
  }

  async extendSession(id: string, expiresAt: number): Promise<void> {
    this.#run(() => this.#s().extendSession.run(expiresAt, id, expiresAt));
  }

  async deleteSession(id: string): Promise<void> {
    this.#run(() => this.#s().deleteSession.run(id));
  }

  /** Deletes expired sessions now (also done on a timer). @returns how many were deleted */
  purgeExpiredSessions(now = Date.now()): number {
    // Not through #run: a purge that finds another process holding the write lock deletes nothing
    // rather than wait for it (the next purge will; reads skip expired rows meanwhile).
    try {
      return this.#s().purgeSessions.run(now).changes;
    } catch (err) {
      if (isBusy(err)) return 0;
      throw toStoreError(err);
    }
  }

  // ---- todos

  async listTodos(userId: string): Promise<{ todos: Todo[]; seq: Seq }> {
    // One read transaction: the list and the seq come from the same snapshot, so a client that
    // follows events after `seq` misses nothing and replays nothing.
    return this.#read(() => {
      const s = this.#s();
      return { todos: s.todosOf.all(userId).map(toTodo), seq: s.userSeq.get(userId) ?? 0 };
    });
  }

  async createTodo(
    userId: string,
    input: { id: string; text: string },
    ctx: ChangeContext,
  ): Promise<{ todo: Todo; event: ChangeEvent | null }> {
    return this.#write(() => {
      const s = this.#s();
      const now = changeTime(ctx).toISOString();
      // Only read here: nothing takes the seq unless the create's event is appended below.
      const seq = this.#nextSeq(userId);
      if (s.insertNewTodo.run(input.id, userId, input.text, now, now, ctx.device, seq).changes === 0) {
        // todos.id is global (the client picks it), so a taken id may belong to someone else.
        const existing = s.todoById.get(input.id);
        if (existing === undefined) throw new Error(`todo ${input.id} conflicted but is not there`);
        if (existing.user_id !== userId) throw new IdTakenError();
        return { todo: toTodo(existing), event: null };
      }
      const todo: Todo = {
        id: input.id,
        text: input.text,
        done: false,
        createdAt: now,
        updatedAt: now,
        device: ctx.device,
        userId,
        objectType: TODO_OBJECT_TYPE,
        version: 1,
      };
      const event = this.#append(upsertEvent("create", todo, seq, ctx));
      this.#trim(userId, seq);
      return { todo, event };
    });
  }

  async updateTodo(
    userId: string,
    id: string,
    patch: { text?: string | undefined; done?: boolean | undefined },
    ctx: ChangeContext,
  ): Promise<{ todo: Todo; event: ChangeEvent | null } | null> {
    return this.#write(() => {
      const s = this.#s();
      const row = s.todoOf.get(id, userId);
      if (row === undefined) return null;
      const current = toTodo(row);
      const text = patch.text ?? current.text;
      const done = patch.done ?? current.done;
      // A patch that changes nothing is not a change: no new version, no seq, no event.
      if (text === current.text && done === current.done) return { todo: current, event: null };
      const seq = this.#nextSeq(userId);
      const todo = this.#applyUpdate(s, current, { text, done }, ctx);
      const event = this.#append(upsertEvent("update", todo, seq, ctx));
      this.#trim(userId, seq);
      return { todo, event };
    });
  }

  async deleteTodo(userId: string, id: string, ctx: ChangeContext): Promise<ChangeEvent | null> {
    return this.#write(() => {
      if (this.#s().deleteTodo.run(id, userId).changes === 0) return null;
      const seq = this.#nextSeq(userId);
      const event = this.#append(deleteEvent(userId, id, seq, ctx));
      this.#trim(userId, seq);
      return event;
    });
  }

  /** @returns the todos it changed (as `ToggleAllResponse` carries them), in list order */
  async setAllDone(
    userId: string,
    done: boolean,
    ctx: ChangeContext,
  ): Promise<{ todos: Todo[]; events: ChangeEvent[]; seq: Seq }> {
    return this.#write(() => {
      const s = this.#s();
      const todos: Todo[] = [];
      const events: ChangeEvent[] = [];
      let seq = s.userSeq.get(userId) ?? 0;
      for (const row of s.todosByDone.all(userId, done ? 0 : 1)) {
        seq = this.#nextSeq(userId);
        const todo = this.#applyUpdate(s, toTodo(row), { text: row.text, done }, ctx);
        todos.push(todo);
        events.push(this.#append(upsertEvent("update", todo, seq, ctx)));
      }
      if (events.length > 0) this.#trim(userId, seq, events.length);
      return { todos, events, seq };
    });
  }

  async deleteDone(userId: string, ctx: ChangeContext): Promise<{ deleted: string[]; events: ChangeEvent[]; seq: Seq }> {
    return this.#write(() => {
      const s = this.#s();
      const deleted: string[] = [];
      const events: ChangeEvent[] = [];
      let seq = s.userSeq.get(userId) ?? 0;
      for (const row of s.todosByDone.all(userId, 1)) {
        s.deleteTodo.run(row.id, userId);
        seq = this.#nextSeq(userId);
        deleted.push(row.id);
        events.push(this.#append(deleteEvent(userId, row.id, seq, ctx)));
      }
      if (events.length > 0) this.#trim(userId, seq, events.length);
      return { deleted, events, seq };
    });
  }

  // ---- change log

  async eventsSince(userId: string, since: Seq): Promise<{ events: ChangeEvent[]; complete: boolean; seq: Seq }> {
    return this.#read(() => {
      const s = this.#s();
      const seq = s.userSeq.get(userId) ?? 0;
      if (since >= seq) return { events: [], complete: since === seq, seq };
      // Only the newest `changeLogLimit` count as retained, whatever the lazy trim left behind.
      const events = s.eventsSince.all(userId, Math.max(since, seq - this.#options.changeLogLimit)).map((row) => fromLogEntry(userId, row.seq, row.entry));
      return { events, complete: isCompleteSince(since, seq, events.length), seq };
    });
  }

  // ---- internals

  #startCheckpointer(): void {
    const { file, backgroundCheckpoints = file !== ":memory:" } = this.#options;
    if (!backgroundCheckpoints || this.#checkpointer !== null) return;
    this.#db.pragma(`wal_autocheckpoint = ${SAFETY_AUTOCHECKPOINT_PAGES}`);
    this.#checkpointer = new WalCheckpointer({
      file,
      intervalMs: CHECKPOINT_INTERVAL_MS,
      onFailure: (err) => {
        if (this.#db.open) this.#db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
        this.#options.onBackgroundError?.(err);
      },
    });
  }

  #s(): Statements {
    if (this.#statements !== null) return this.#statements;
    // Work that reaches the store after shutdown closed it (a handler that outlived the drain)
    // fails as an outage, logged as a warning, not as an unhandled bug. Use before init() is one.
    if (!this.#db.open) throw new StoreUnavailableError(new Error("SqliteStore is closed"));
    throw new Error("SqliteStore used before init()");
  }

  /**
   * The user's next seq: one past the newest in their change log. Must run inside the transaction
   * that records the change, and the change's event must be appended before the next call.
   */
  #nextSeq(userId: string): Seq {
    return (this.#s().userSeq.get(userId) ?? 0) + 1;
  }

  #applyUpdate(s: Statements, todo: Todo, next: { text: string; done: boolean }, ctx: ChangeContext): Todo {
    const now = changeTime(ctx).toISOString();
    const row = s.updateTodo.get(next.text, next.done ? 1 : 0, now, ctx.device, todo.id, todo.userId);
    if (row === undefined) throw new Error(`todo ${todo.id} vanished inside its transaction`);
    return toTodo(row);
  }

  #append(event: ChangeEvent): ChangeEvent {
    this.#s().insertEvent.run(event.meta.userId, event.meta.seq, toLogEntry(event));
    return event;
  }

  /**
   * Keeps the newest `changeLogLimit` events of the user whose latest seq is `seq`. The delete runs
   * once every `TRIM_EVERY` seqs rather than on every change (a statement less per write), so up to
   * that many older events linger; `eventsSince` never hands those out.
   */
  #trim(userId: string, seq: Seq, changes = 1): void {
    if (Math.floor(seq / TRIM_EVERY) === Math.floor((seq - changes) / TRIM_EVERY)) return;
    this.#s().trimEvents.run(userId, seq - this.#options.changeLogLimit);
  }

  /**
   * Runs a write in the next group commit: every write queued during one turn of the event loop
   * is committed by one transaction (see `#commitQueued`), each in a savepoint of its own.
   */
  #write<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queued.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      // While a commit waits for the lock, its retry takes every write queued by then.
      if (this.#queued.length === 1 && this.#lockRetry === null) setImmediate(this.#commitQueued);
    });
  }

  /**
   * Group commit. A commit is most of a write's cost (its WAL frames, file locks and, now and
   * then, fsyncs), and under load several requests reach the store in the same turn of the event
   * loop; committing them together makes a busy server cheaper per write, where it matters, at
   * the price of one `setImmediate` hop for a lone write. A write that throws is rolled back to
   * its savepoint and fails alone; a commit that fails fails every write in it (and none is kept).
   * Callers' promises settle in queue order, so a user's events are published in seq order.
   */
  readonly #commitQueued = (): void => this.#commit(false);

  /**
   * Commits every queued write (see #commitQueued). Unless `waitForLock`, the write lock is only
   * tried for: when another process holds it, the writes stay queued and #retryCommit tries again
   * later, and the event loop goes on serving reads and sockets meanwhile instead of sleeping in
   * SQLite's busy handler (which froze this process for 1–10 ms at a time when two instances
   * shared the file, and would for up to busy_timeout behind a long transaction elsewhere).
   */
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
      const tx = this.#transaction();
      const commit = () =>
        tx.immediate(() => {
          began = true;
          return this.#runBatch(tx, batch);
        }) as WriteOutcome[];
      outcomes = waitForLock ? this.#waitingForLocks(commit) : commit();
    } catch (err) {
      if (!began && !waitForLock && isBusy(err)) {
        this.#retryCommit(batch, err);
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
   * A batch found the write lock taken (`busy`): each write that has waited busy_timeout since its
   * first try fails, as a blocking wait would have; the rest go back to the head of the queue and
   * are tried again after the next of LOCK_RETRY_DELAYS_MS. A write that joined the queue during
   * the wait gets a whole busy_timeout of its own.
   */
  #retryCommit(batch: QueuedWrite[], busy: unknown): void {
    const now = performance.now();
    const waiting: QueuedWrite[] = [];
    const error = toStoreError(busy);
    for (const write of batch) {
      write.waitingSince ??= now;
      if (now - write.waitingSince >= this.#busyTimeoutMs) write.reject(error);
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
  #runBatch(tx: Database.Transaction<(fn: () => unknown) => unknown>, batch: QueuedWrite[]): WriteOutcome[] {
    return batch.map(({ fn }) => {
      try {
        // A transaction function called inside another runs in a savepoint. A lone write
        // needs none: if it throws, the whole transaction rolls back, and it was all of it.
        return { ok: true as const, value: batch.length === 1 ? fn() : tx(fn) };
      } catch (error) {
        // Some failures (a full disk, an I/O error, RAISE(ROLLBACK)) roll back the whole
        // transaction, not just the savepoint: then nothing of the batch is kept, and no later
        // write may run outside it (it would commit on its own), so the batch fails as one.
        if (batch.length === 1 || !this.#db.inTransaction) throw error;
        return { ok: false as const, error };
      }
    });
  }

  #read<T>(fn: () => T): T {
    return this.#run(() => this.#transaction().deferred(fn) as T);
  }

  /**
   * One transaction wrapper for every call (built lazily, once): it runs the function it is given.
   * Checks the store is open first: a closed connection would fail in BEGIN with a TypeError.
   */
  #transaction(): Database.Transaction<(fn: () => unknown) => unknown> {
    this.#s();
    this.#tx ??= this.#db.transaction((fn: () => unknown) => fn());
    return this.#tx;
  }

  /**
   * Runs `fn`, turning infrastructure failures into `StoreUnavailableError`. When another process
   * holds a lock it needs, `fn` runs again with SQLite waiting for the lock (up to busy_timeout):
   * these are single statements, or a read and then a write that is the same on a second run.
   */
  #run<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (!isBusy(err) || this.#db.inTransaction) throw toStoreError(err);
      try {
        return this.#waitingForLocks(fn);
      } catch (again) {
        throw toStoreError(again);
      }
    }
  }

  /** Runs `fn` with SQLite's busy handler waiting up to busy_timeout for a lock another process holds. */
  #waitingForLocks<T>(fn: () => T): T {
    this.#db.pragma(`busy_timeout = ${this.#busyTimeoutMs}`);
    try {
      return fn();
    } finally {
      if (this.#db.open) this.#db.pragma("busy_timeout = 0");
    }
  }
}
