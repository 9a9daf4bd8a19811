import type { TokenInfo, User } from "@tandem/protocol";
import type { LimiterFactory } from "../limits/LimiterFactory.js";
import type { TodoStorage } from "./TodoStorage.js";
import type { WebhookStorage } from "./WebhookStorage.js";

/**
 * Everything Tandem keeps, behind one narrow interface per concern. Adapters: `SqliteStore`
 * (embedded, the default) and `MongoStore` (mongoose). They store and fetch; the rules (seqs,
 * events, what counts as a change, when a token's use is recorded) live above them, once, in
 * `todos/` and `auth/`. One contract suite (`store.contract.ts`) runs against both.
 */
export interface Store {
  readonly kind: "sqlite" | "mongodb";

  /** Creates the schema / indexes. Idempotent. */
  init(): Promise<void>;
  /** Resolves when the database answers; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;

  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly tokens: TokenStore;
  readonly passwordResets: PasswordResetStore;
  /** Todos and their change log: the one part written in transactions (see TodoStorage). */
  readonly todos: TodoStorage;
  /** Outbound webhook endpoints, their outbox and attempts (see WebhookStorage). */
  readonly webhooks: WebhookStorage;
  /**
   * Rate-limit counters (the sign-in throttle, the sign-up limit) kept in this database, for when
   * there is no Redis: a restart must not hand an attacker a fresh budget. Each counter falls back
   * to counting in this process's memory while the database fails, as the Redis ones do. Use
   * after `init()`.
   */
  readonly limiters: LimiterFactory;
  /** The answers to writes sent with an `Idempotency-Key` (see http/idempotency.ts). */
  readonly idempotency: IdempotencyStore;
}

/** The answer a write got, kept to be given again to a repeat of it. */
export interface StoredAnswer {
  status: number;
  /** The JSON body as sent; "" for an answer without a body (204). */
  body: string;
}

export type IdempotencyClaim =
  /** The key is this request's now: run the write, then `complete` (or `release`) it. */
  | { kind: "claimed" }
  /** The key was used before: by a request with this fingerprint, answered (or still running: null). */
  | { kind: "found"; fingerprint: string; answer: StoredAnswer | null };

/**
 * Idempotency keys per user. A key is claimed by one request at a time (atomically: of two
 * concurrent claims, one finds the other's), kept until `expiresAt` (epoch ms), and forgotten
 * after it: an expired key can be claimed again. Reads ignore expired keys; `deleteExpired`
 * only bounds the table.
 */
export interface IdempotencyStore {
  claim(userId: string, key: string, fingerprint: string, now: number, expiresAt: number): Promise<IdempotencyClaim>;
  /**
   * Records the answer of a claimed key and keeps it until `expiresAt`; of the user's answered
   * keys only the newest `keep` (by `expiresAt`) stay: older ones are forgotten now. Claims still
   * running are never forgotten this way.
   */
  complete(userId: string, key: string, answer: StoredAnswer, expiresAt: number, keep: number): Promise<void>;
  /** Forgets a claimed key (its write failed, so a repeat must run again). */
  release(userId: string, key: string): Promise<void>;
  /** @returns how many were deleted (0 when the database asked it to wait its turn) */
  deleteExpired(now: number): Promise<number>;
}

export interface UserStore {
  /** @throws AppError `email_taken` when an account with this email exists */
  create(input: { email: string; passwordHash: string }): Promise<User>;
  findByEmail(email: string): Promise<UserRecord | null>;
  findById(id: string): Promise<User | null>;
  /** The whole record (password hash, creation time), for the account's own routes. */
  findRecordById(id: string): Promise<UserRecord | null>;
  setPasswordHash(id: string, passwordHash: string): Promise<void>;
  /**
   * Deletes the user and everything of theirs (todos, change log, sessions, tokens, reset links,
   * webhook endpoints with their queues and attempts)
   * in one transaction; the email is free again. @returns false when there was no such user
   */
  delete(id: string): Promise<boolean>;
}

/** Browser sessions (only a keyed hash of the cookie's secret is stored; see auth/sessions.ts). */
export interface SessionStore {
  /** @throws when a session with this id exists */
  create(session: SessionRecord): Promise<void>;
  /** The session with this id, or null when there is none or it expired before `now` (ms). */
  find(id: string, now: number): Promise<SessionRecord | null>;
  /**
   * `find` and the session's user in one lookup, for the request that carries the cookie (every
   * request a browser makes). Null when either is gone.
   */
  findWithUser(id: string, now: number): Promise<{ session: SessionRecord; user: User } | null>;
  /** Moves a session's expiry forward to `expiresAt` (ms); never backward. */
  extend(id: string, expiresAt: number): Promise<void>;
  delete(id: string): Promise<void>;
  /** The user's live sessions (unexpired at `now`), in no particular order. */
  listByUser(userId: string, now: number): Promise<SessionRecord[]>;
  /** Records a use of the session at `at` (ms). */
  markSeen(id: string, at: number): Promise<void>;
  /** @returns false when the user has no live session on that device */
  rename(userId: string, deviceId: string, name: string): Promise<boolean>;
  /**
   * Moves a live session to a new id (and new lifetimes), keeping its device, name and creation
   * time: the old id stops working at once. @returns false when the session is gone
   */
  renew(id: string, next: Pick<SessionRecord, "id" | "signedInAt" | "expiresAt">): Promise<boolean>;
  /** Deletes the session on that device. @returns its (old) id, or null when there was none */
  deleteByDevice(userId: string, deviceId: string): Promise<string | null>;
  /** Deletes every session of the user but `exceptId`. @returns the ids deleted */
  deleteByUser(userId: string, exceptId: string | null): Promise<string[]>;
  /**
   * Deletes the sessions that expired before `now`; reads already ignore them, so this only bounds
   * the table. @returns how many were deleted (0 when the database asked it to wait its turn)
   */
  deleteExpired(now: number): Promise<number>;
}

/** API tokens (only the SHA-256 of the secret is stored; see auth/apiTokens.ts). */
export interface TokenStore {
  /**
   * Adds a token unless the user already has `maxLive` tokens unexpired at `now` (counted in the
   * same transaction, so parallel creations cannot pass the cap). @returns null at the cap
   */
  create(input: NewToken, limit: { maxLive: number; now: string }): Promise<TokenInfo | null>;
  /** The token with this hash, unless it expired before `now` (ISO time). */
  findByHash(tokenHash: string, now: string): Promise<TokenRecord | null>;
  /** The token with this id, unless it expired before `now` (ISO time). */
  findById(id: string, now: string): Promise<TokenRecord | null>;
  /** Records a use of the token at `at` (ISO time). */
  markUsed(id: string, at: string): Promise<void>;
  /** The user's tokens unexpired at `now` (ISO time), oldest first. */
  list(userId: string, now: string): Promise<TokenInfo[]>;
  /** @returns false when the user has no such token */
  rename(userId: string, tokenId: string, name: string): Promise<boolean>;
  /** @returns false when the user has no such token */
  delete(userId: string, tokenId: string): Promise<boolean>;
  /** Deletes every token of the user. @returns their ids */
  deleteByUser(userId: string): Promise<string[]>;
}

export interface NewToken {
  userId: string;
  name: string;
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
}

/** Single-use password-reset links (only the SHA-256 of the link's secret is stored). */
export interface PasswordResetStore {
  /** Keeps a link's hash; the user's links that expired before `now` (ms) are dropped. */
  create(input: { tokenHash: string; userId: string; expiresAt: number }, now: number): Promise<void>;
  /**
   * Spends a link: when it is known and unexpired at `now` (ms), deletes it and every other link
   * of its user, in one step, and returns the user's id. Otherwise null (a second use finds
   * nothing; an expired link is deleted alone).
   */
  consume(tokenHash: string, now: number): Promise<string | null>;
}

/** A signed-in browser. Times are epoch milliseconds. */
export interface SessionRecord {
  /** The keyed hash of the secret in the cookie (hex): a database leak yields no usable cookie. */
  id: string;
  userId: string;
  /** The absolute lifetime counts from here, however active the session. */
  signedInAt: number;
  /** The idle timeout: pushed forward as the session is used. */
  expiresAt: number;
  /** The device this session is (see auth/devices.ts): kept when the session moves to a new id. */
  deviceId: string;
  /** Read from the User-Agent at sign-in, or given by the user. */
  name: string;
  /** When the device first signed in. */
  createdAt: number;
  /** When it last made a request (recorded at most once a minute). */
  lastSeenAt: number;
}

export interface UserRecord extends User {
  passwordHash: string;
  /** ISO time */
  createdAt: string;
}

export interface TokenRecord extends TokenInfo {
  userId: string;
}
