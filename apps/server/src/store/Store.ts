import type { ChangeEvent, DeviceId, Seq, Todo, TokenInfo, User } from "@tandem/protocol";

/**
 * Everything Tandem keeps: users, todos, sessions, API tokens and the per-user change log.
 * Adapters: `SqliteStore` (embedded, the default) and `MongoStore` (mongoose). One contract
 * suite (`store.contract.ts`) runs against both.
 *
 * Every todo mutation commits the change, the user's next `seq` and the `ChangeEvent` in one
 * transaction, so a crash can neither lose an event nor invent one.
 */
export interface Store {
  readonly kind: "sqlite" | "mongodb";

  /** Creates the schema / indexes. Idempotent. */
  init(): Promise<void>;
  /** Resolves when the database answers; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;

  // ---- users
  /** @throws EmailTakenError */
  createUser(input: { email: string; passwordHash: string }): Promise<User>;
  findUserByEmail(email: string): Promise<UserRecord | null>;
  findUserById(id: string): Promise<User | null>;

  // ---- API tokens (only the SHA-256 of the secret is stored)
  createToken(input: { userId: string; name: string; tokenHash: string }): Promise<TokenInfo>;
  /** Finds a token by the hash of its secret and records that it was used. */
  useToken(tokenHash: string): Promise<TokenRecord | null>;
  listTokens(userId: string): Promise<TokenInfo[]>;
  /** @returns false when the user has no such token */
  deleteToken(userId: string, tokenId: string): Promise<boolean>;

  // ---- todos (every method is scoped to one user: another user's todo is simply not found)
  listTodos(userId: string): Promise<{ todos: Todo[]; seq: Seq }>;
  /**
   * @returns `created: false` (and no event) when this user already has a todo with `id`
   * @throws IdTakenError when another user has a todo with `id`
   */
  createTodo(
    userId: string,
    input: { id: string; text: string },
    ctx: ChangeContext,
  ): Promise<{ todo: Todo; event: ChangeEvent | null }>;
  /**
   * @returns null when the user has no such todo; `event: null` when the patch changes nothing
   */
  updateTodo(
    userId: string,
    id: string,
    patch: { text?: string | undefined; done?: boolean | undefined },
    ctx: ChangeContext,
  ): Promise<{ todo: Todo; event: ChangeEvent | null } | null>;
  /** @returns null when the user has no such todo */
  deleteTodo(userId: string, id: string, ctx: ChangeContext): Promise<ChangeEvent | null>;
  /**
   * Sets `done` on every todo that differs; one event per changed todo, in list order.
   * @returns `todos`: only the todos it changed (after the change), not the whole list
   */
  setAllDone(userId: string, done: boolean, ctx: ChangeContext): Promise<{ todos: Todo[]; events: ChangeEvent[]; seq: Seq }>;
  /** Deletes every done todo; one event per deleted todo, in list order. */
  deleteDone(userId: string, ctx: ChangeContext): Promise<{ deleted: string[]; events: ChangeEvent[]; seq: Seq }>;

  // ---- change log (bounded: the newest `changeLogLimit` events per user are kept)
  /**
   * Events of the user with `seq > since`, oldest first. `complete: false` when some of them
   * were already trimmed from the log (the caller must tell the client to resync).
   */
  eventsSince(userId: string, since: Seq): Promise<{ events: ChangeEvent[]; complete: boolean; seq: Seq }>;

  // ---- browser sessions (only a keyed hash of the cookie's secret is stored; see auth/sessions.ts)
  createSession(session: SessionRecord): Promise<void>;
  /** The session with this id, or null when there is none or it expired before `now` (ms). */
  findSession(id: string, now: number): Promise<SessionRecord | null>;
  /**
   * `findSession` and the session's user in one lookup, for the request that carries the cookie
   * (every request a browser makes). Null when either is gone.
   */
  findSessionUser(id: string, now: number): Promise<{ session: SessionRecord; user: User } | null>;
  /** Moves a session's expiry forward to `expiresAt` (ms); never backward. */
  extendSession(id: string, expiresAt: number): Promise<void>;
  deleteSession(id: string): Promise<void>;
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
}

export interface ChangeContext {
  device: DeviceId | null;
  requestId: string;
  /** Injected for tests; defaults to the wall clock. */
  now?: Date;
}

export interface UserRecord extends User {
  passwordHash: string;
}

export interface TokenRecord extends TokenInfo {
  userId: string;
}

export interface StoreOptions {
  /** How many recent events per user the change log keeps for catch-up. */
  changeLogLimit: number;
}

/** Domain errors adapters throw; the HTTP layer maps each to one status and error code. */
export class StoreError extends Error {
  constructor(
    readonly code: "email_taken" | "id_taken" | "unavailable",
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class EmailTakenError extends StoreError {
  constructor() {
    super("email_taken", "an account with this email already exists");
  }
}

export class IdTakenError extends StoreError {
  constructor() {
    super("id_taken", "this id cannot be used");
  }
}

/** The database cannot be reached right now (the HTTP layer answers 503). */
export class StoreUnavailableError extends StoreError {
  constructor(cause: unknown) {
    super("unavailable", "the database is unavailable", { cause });
  }
}
