import session from "express-session";
import type { SessionData } from "express-session";
import type Database from "better-sqlite3";
import { toStoreError } from "./sqliteErrors.js";
import { sessionResolution } from "../sessionResolution.js";

export interface SqliteSessionStoreOptions {
  /** Lifetime of a session whose cookie has no expiry of its own (a browser-session cookie). */
  ttlMs: number;
  /** A touch rewrites the row only when it moves the expiry by more than this (ms). */
  touchResolutionMs?: number;
  /**
   * How often expired rows are deleted. Reads already ignore them, so this only bounds the
   * table's size; 15 minutes keeps the delete small without running it on every request.
   */
  purgeIntervalMs?: number;
}

const DEFAULT_PURGE_INTERVAL_MS = 15 * 60_000;

interface Statements {
  get: Database.Statement<[sid: string, now: number], { sess: string }>;
  set: Database.Statement<[sid: string, sess: string, expires: number]>;
  touch: Database.Statement<[expires: number, cookie: string, sid: string, staleBefore: number]>;
  destroy: Database.Statement<[sid: string]>;
  all: Database.Statement<[now: number], { sid: string; sess: string }>;
  length: Database.Statement<[now: number], { n: number }>;
  clear: Database.Statement<[]>;
  purge: Database.Statement<[now: number]>;
}

/**
 * express-session's store on the `sessions` table of the application's SQLite database, so a
 * signed-in browser stays signed in across a restart. The table is created by the store's
 * migrations (`sqliteSchema.ts`); `start()` is called once it exists.
 */
export class SqliteSessionStore extends session.Store {
  readonly #db: Database.Database;
  readonly #ttlMs: number;
  readonly #purgeIntervalMs: number;
  readonly #touchResolutionMs: number;
  #statements: Statements | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(db: Database.Database, options: SqliteSessionStoreOptions) {
    super();
    this.#db = db;
    this.#ttlMs = options.ttlMs;
    this.#touchResolutionMs = options.touchResolutionMs ?? sessionResolution(options.ttlMs);
    this.#purgeIntervalMs = options.purgeIntervalMs ?? DEFAULT_PURGE_INTERVAL_MS;
  }

  /** Prepares the statements and starts purging expired rows. Idempotent. */
  start(): void {
    if (this.#statements !== null) return;
    const db = this.#db;
    this.#statements = {
      get: db.prepare("SELECT sess FROM sessions WHERE sid = ? AND expires > ?"),
      set: db.prepare(
        `INSERT INTO sessions (sid, sess, expires) VALUES (?, ?, ?)
         ON CONFLICT (sid) DO UPDATE SET sess = excluded.sess, expires = excluded.expires`,
      ),
      // Like express-session's MemoryStore, a touch also stores the refreshed cookie, so the
      // expiry a later `get` hands back matches the row's.
      touch: db.prepare("UPDATE sessions SET expires = ?, sess = json_set(sess, '$.cookie', json(?)) WHERE sid = ? AND expires < ?"),
      destroy: db.prepare("DELETE FROM sessions WHERE sid = ?"),
      all: db.prepare("SELECT sid, sess FROM sessions WHERE expires > ?"),
      length: db.prepare("SELECT count(*) AS n FROM sessions WHERE expires > ?"),
      clear: db.prepare("DELETE FROM sessions"),
      purge: db.prepare("DELETE FROM sessions WHERE expires <= ?"),
    };
    this.purgeExpired();
    this.#timer = setInterval(() => {
      try {
        this.purgeExpired();
      } catch (err) {
        // A failed purge is retried on the next tick; reads skip expired rows meanwhile.
        this.emit("error", err);
      }
    }, this.#purgeIntervalMs);
    // The purge must never be what keeps the process alive.
    this.#timer.unref();
  }

  /** Stops the purge timer and lets go of the statements; the database is closed by its owner. */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#statements = null;
  }

  /** Deletes expired rows now. @returns how many were deleted */
  purgeExpired(now = Date.now()): number {
    return this.#stmts().purge.run(now).changes;
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.#answer(callback, () => {
      const row = this.#stmts().get.get(sid, Date.now());
      return row === undefined ? null : (JSON.parse(row.sess) as SessionData);
    });
  }

  override set(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    this.#answer(callback, () => {
      this.#stmts().set.run(sid, JSON.stringify(sess), this.#expiresAt(sess));
    });
  }

  /**
   * Rolling sessions touch on every request. Writing each one would double the writes of a busy
   * client, so the row is only rewritten once its stored expiry lags the new one by more than
   * the touch resolution: a session may then end up to that much earlier than its cookie says.
   */
  override touch(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    this.#answer(callback, () => {
      const expires = this.#expiresAt(sess);
      this.#stmts().touch.run(expires, JSON.stringify(sess.cookie), sid, expires - this.#touchResolutionMs);
    });
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.#answer(callback, () => {
      this.#stmts().destroy.run(sid);
    });
  }

  override all(callback: (err: unknown, obj?: { [sid: string]: SessionData } | null) => void): void {
    this.#answer(callback, () => {
      const sessions: { [sid: string]: SessionData } = {};
      for (const row of this.#stmts().all.all(Date.now())) sessions[row.sid] = JSON.parse(row.sess) as SessionData;
      return sessions;
    });
  }

  override length(callback: (err: unknown, length?: number) => void): void {
    this.#answer(callback, () => this.#stmts().length.get(Date.now())?.n ?? 0);
  }

  override clear(callback?: (err?: unknown) => void): void {
    this.#answer(callback, () => {
      this.#stmts().clear.run();
    });
  }

  #stmts(): Statements {
    if (this.#statements === null) throw new Error("SqliteSessionStore used before the store's init() or after the store's close()");
    return this.#statements;
  }

  /**
   * Expiry in epoch ms: the cookie's own when it has one (after a JSON round trip it is an ISO
   * string), else the configured idle lifetime from now.
   */
  #expiresAt(sess: SessionData): number {
    const expires = sess.cookie?.expires;
    const at = expires ? new Date(expires).getTime() : Number.NaN;
    return Number.isFinite(at) ? at : Date.now() + this.#ttlMs;
  }

  /**
   * Runs a synchronous query and answers on a later tick, as express-session's MemoryStore does:
   * a callback must never run inside our try (an exception it throws would be reported as ours
   * and the callback called twice), nor before the caller has returned.
   */
  #answer<T>(callback: ((err: unknown, value?: T) => void) | undefined, query: () => T): void {
    let value: T;
    try {
      value = query();
    } catch (err) {
      const mapped = toStoreError(err);
      queueMicrotask(() => callback?.(mapped));
      return;
    }
    queueMicrotask(() => callback?.(null, value));
  }
}
