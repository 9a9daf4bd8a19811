import mongoose, { Types } from "mongoose";
import type { ClientSession, Connection, Model } from "mongoose";
import { TODO_OBJECT_TYPE } from "@tandem/protocol";
import type { ChangeEvent, Seq, Todo, TokenInfo, User } from "@tandem/protocol";
import { changeTime, deleteEvent, isCompleteSince, upsertEvent } from "./changeEvents.js";
import { eventSchema, sessionSchema, todoSchema, tokenSchema, userSchema } from "./mongoSchemas.js";
import type { EventDoc, SessionDoc, TodoDoc, TokenDoc, UserDoc } from "./mongoSchemas.js";
import { isDuplicateKey, toStoreError } from "./mongoErrors.js";
import { EmailTakenError, IdTakenError, StoreUnavailableError } from "./Store.js";
import type { ChangeContext, SessionRecord, Store, StoreOptions, TokenRecord, UserRecord } from "./Store.js";

export interface MongoStoreOptions extends StoreOptions {
  /** A `mongodb://` or `mongodb+srv://` URI; its path names the database. */
  uri: string;
  /** How long an operation waits for a usable server before failing with StoreUnavailableError. */
  serverSelectionTimeoutMs?: number;
}

/**
 * How long an operation waits for a usable server. The driver's default is 30 s; a request
 * that cannot be served should become a 503 well before a browser or load balancer gives up.
 */
const DEFAULT_SERVER_SELECTION_TIMEOUT_MS = 5_000;

/** See `LAST_USED_RESOLUTION_MS` in SqliteStore: "last used" is written at most once a minute. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Oldest first; `createdSeq` orders todos created within the same millisecond. */
const TODO_ORDER = { createdAt: 1, createdSeq: 1 } as const;

/** ObjectId of a user or token id; null for a string that cannot be one (so: not found). */
function objectId(id: string): Types.ObjectId | null {
  return /^[0-9a-fA-F]{24}$/.test(id) ? new Types.ObjectId(id) : null;
}

function toTodo(doc: TodoDoc): Todo {
  return {
    id: doc._id,
    text: doc.text,
    done: doc.done,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    device: doc.device ?? null,
    userId: doc.userId.toHexString(),
    objectType: TODO_OBJECT_TYPE,
    version: doc.version,
  };
}

function toTokenInfo(doc: TokenDoc): TokenInfo {
  return {
    id: doc._id.toHexString(),
    name: doc.name,
    createdAt: doc.createdAt.toISOString(),
    lastUsedAt: doc.lastUsedAt?.toISOString() ?? null,
  };
}

/**
 * The MongoDB adapter, through mongoose on a connection of its own (never mongoose's global
 * default connection, so two stores, or a test's store and the app's, cannot share state).
 *
 * Every todo mutation runs in one multi-document transaction: the user's `seq` is incremented
 * on the user document, the todo is written and the event inserted, and the log trimmed, all
 * or nothing. Transactions need a replica set or a sharded cluster (Atlas is one); a standalone
 * `mongod` refuses them, so run it as a one-member replica set (`mongod --replSet rs0`, then
 * `rs.initiate()` once). Because every change of a user updates that user's document, two
 * concurrent changes of one user conflict and the driver retries one of them: seqs stay gapless.
 */
export class MongoStore implements Store {
  readonly kind = "mongodb";

  readonly #options: MongoStoreOptions;
  readonly #connection: Connection;
  readonly #users: Model<UserDoc>;
  readonly #tokens: Model<TokenDoc>;
  readonly #todos: Model<TodoDoc>;
  readonly #events: Model<EventDoc>;
  readonly #sessions: Model<SessionDoc>;
  #opening: Promise<void> | null = null;

  constructor(options: MongoStoreOptions) {
    this.#options = options;
    // Created unopened: nothing connects until init(), and constructing a store has no effects.
    this.#connection = mongoose.createConnection();
    this.#users = this.#connection.model<UserDoc>("User", userSchema);
    this.#tokens = this.#connection.model<TokenDoc>("Token", tokenSchema);
    this.#todos = this.#connection.model<TodoDoc>("Todo", todoSchema);
    this.#events = this.#connection.model<EventDoc>("Event", eventSchema);
    this.#sessions = this.#connection.model<SessionDoc>("Session", sessionSchema);
  }

  async init(): Promise<void> {
    this.#opening ??= this.#open();
    try {
      await this.#opening;
    } catch (err) {
      this.#opening = null;
      throw toStoreError(err);
    }
  }

  async #open(): Promise<void> {
    await this.#connection.openUri(this.#options.uri, {
      serverSelectionTimeoutMS: this.#options.serverSelectionTimeoutMs ?? DEFAULT_SERVER_SELECTION_TIMEOUT_MS,
      // Fail fast when the database is down (the HTTP layer answers 503) instead of queueing
      // operations for mongoose's 10 s buffer timeout.
      bufferCommands: false,
      autoCreate: false,
      autoIndex: false,
    });
    // Collections are created before any transaction: MongoDB before 4.4 cannot create one
    // inside a transaction, and an index build must not race the first writes.
    for (const model of [this.#users, this.#tokens, this.#todos, this.#events, this.#sessions] as Model<unknown>[]) {
      await model.createCollection();
      await model.createIndexes();
    }
  }

  async ping(): Promise<void> {
    const db = this.#connection.db;
    if (db === undefined) throw new StoreUnavailableError(new Error("MongoStore is not connected"));
    await this.#run(() => db.command({ ping: 1 }));
  }

  async close(): Promise<void> {
    await this.#connection.close();
  }

  // ---- users

  async createUser(input: { email: string; passwordHash: string }): Promise<User> {
    return this.#run(async () => {
      try {
        const doc = await this.#users.create({ email: input.email, passwordHash: input.passwordHash });
        return { id: doc._id.toHexString(), email: doc.email };
      } catch (err) {
        // The _id is a fresh ObjectId, so the only unique key this insert can break is the email
        // (decided here, not from `keyPattern`, which older servers leave out).
        if (isDuplicateKey(err)) throw new EmailTakenError();
        throw err;
      }
    });
  }

  async findUserByEmail(email: string): Promise<UserRecord | null> {
    return this.#run(async () => {
      const doc = await this.#users.findOne({ email }).lean<UserDoc>();
      return doc === null ? null : { id: doc._id.toHexString(), email: doc.email, passwordHash: doc.passwordHash };
    });
  }

  async findUserById(id: string): Promise<User | null> {
    const oid = objectId(id);
    if (oid === null) return null;
    return this.#run(async () => {
      const doc = await this.#users.findById(oid).lean<UserDoc>();
      return doc === null ? null : { id: doc._id.toHexString(), email: doc.email };
    });
  }

  // ---- API tokens

  async createToken(input: { userId: string; name: string; tokenHash: string }): Promise<TokenInfo> {
    const userOid = this.#userOid(input.userId);
    return this.#run(async () => {
      const doc = await this.#tokens.create({ userId: userOid, name: input.name, tokenHash: input.tokenHash });
      return toTokenInfo(doc);
    });
  }

  async useToken(tokenHash: string): Promise<TokenRecord | null> {
    return this.#run(async () => {
      const now = new Date();
      const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
      // One round trip in the common case: update only when the recorded use is stale.
      const doc =
        (await this.#tokens
          .findOneAndUpdate(
            { tokenHash, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: staleBefore } }] },
            { $set: { lastUsedAt: now } },
            { returnDocument: "after" },
          )
          .lean<TokenDoc>()) ?? (await this.#tokens.findOne({ tokenHash }).lean<TokenDoc>());
      return doc === null ? null : { ...toTokenInfo(doc), userId: doc.userId.toHexString() };
    });
  }

  async listTokens(userId: string): Promise<TokenInfo[]> {
    const userOid = objectId(userId);
    if (userOid === null) return [];
    return this.#run(async () => {
      const docs = await this.#tokens.find({ userId: userOid }).sort({ createdAt: 1, _id: 1 }).lean<TokenDoc[]>();
      return docs.map(toTokenInfo);
    });
  }

  async deleteToken(userId: string, tokenId: string): Promise<boolean> {
    const userOid = objectId(userId);
    const tokenOid = objectId(tokenId);
    if (userOid === null || tokenOid === null) return false;
    return this.#run(async () => {
      const { deletedCount } = await this.#tokens.deleteOne({ _id: tokenOid, userId: userOid });
      return deletedCount > 0;
    });
  }

  // ---- browser sessions

  async createSession(session: SessionRecord): Promise<void> {
    const userId = objectId(session.userId);
    if (userId === null) throw new Error(`not a user id: ${session.userId}`);
    await this.#run(() =>
      this.#sessions.create({ _id: session.id, userId, signedInAt: new Date(session.signedInAt), expiresAt: new Date(session.expiresAt) }),
    );
  }

  async findSession(id: string, now: number): Promise<SessionRecord | null> {
    const doc = await this.#run(() => this.#sessions.findOne({ _id: id, expiresAt: { $gt: new Date(now) } }).lean<SessionDoc>());
    if (doc === null) return null;
    return { id: doc._id, userId: doc.userId.toHexString(), signedInAt: doc.signedInAt.getTime(), expiresAt: doc.expiresAt.getTime() };
  }

  /** Two reads by `_id`, one after the other (a `$lookup` aggregation could make them one round trip). */
  async findSessionUser(id: string, now: number): Promise<{ session: SessionRecord; user: User } | null> {
    const session = await this.findSession(id, now);
    const user = session && (await this.findUserById(session.userId));
    return session && user ? { session, user } : null;
  }

  async extendSession(id: string, expiresAt: number): Promise<void> {
    const at = new Date(expiresAt);
    await this.#run(() => this.#sessions.updateOne({ _id: id, expiresAt: { $lt: at } }, { $set: { expiresAt: at } }));
  }

  async deleteSession(id: string): Promise<void> {
    await this.#run(() => this.#sessions.deleteOne({ _id: id }));
  }

  // ---- todos

  async listTodos(userId: string): Promise<{ todos: Todo[]; seq: Seq }> {
    const userOid = objectId(userId);
    if (userOid === null) return { todos: [], seq: 0 };
    // One snapshot: the list and the seq agree, so a client following events after `seq`
    // misses nothing and replays nothing.
    return this.#snapshot(async (session) => ({
      todos: await this.#listOf(userOid, session),
      seq: await this.#currentSeq(userOid, session),
    }));
  }

  async createTodo(
    userId: string,
    input: { id: string; text: string },
    ctx: ChangeContext,
  ): Promise<{ todo: Todo; event: ChangeEvent | null }> {
    const userOid = this.#userOid(userId);
    try {
      return await this.#transaction(async (session) => {
        // The id is global (the client picks it): it may already be this user's, or another's.
        // Checked before the seq is taken, so a repeated create writes nothing at all.
        const existing = await this.#todos.findById(input.id, null, { session }).lean<TodoDoc>();
        if (existing !== null) {
          if (!existing.userId.equals(userOid)) throw new IdTakenError();
          return { todo: toTodo(existing), event: null };
        }
        const seq = await this.#takeSeqs(userOid, 1, session);
        const now = changeTime(ctx);
        await this.#todos.insertMany(
          [
            {
              _id: input.id,
              userId: userOid,
              text: input.text,
              done: false,
              createdAt: now,
              updatedAt: now,
              device: ctx.device,
              version: 1,
              createdSeq: seq,
            },
          ],
          { session },
        );
        const todo: Todo = {
          id: input.id,
          text: input.text,
          done: false,
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
          device: ctx.device,
          userId,
          objectType: TODO_OBJECT_TYPE,
          version: 1,
        };
        const event = upsertEvent("create", todo, seq, ctx);
        await this.#record(userOid, [event], session);
        return { todo, event };
      });
    } catch (err) {
      if (!(err instanceof IdTakenError)) throw err;
      // A concurrent create of the same id may have won the race (duplicate _id): when it was
      // this user's, this create is a repeat of it, not a conflict.
      const existing = await this.#run(() => this.#todos.findById(input.id).lean<TodoDoc>());
      if (existing?.userId.equals(userOid)) return { todo: toTodo(existing), event: null };
      throw err;
    }
  }

  async updateTodo(
    userId: string,
    id: string,
    patch: { text?: string | undefined; done?: boolean | undefined },
    ctx: ChangeContext,
  ): Promise<{ todo: Todo; event: ChangeEvent | null } | null> {
    const userOid = objectId(userId);
    if (userOid === null) return null;
    return this.#transaction(async (session) => {
      const doc = await this.#todos.findOne({ _id: id, userId: userOid }, null, { session }).lean<TodoDoc>();
      if (doc === null) return null;
      const current = toTodo(doc);
      const text = patch.text ?? current.text;
      const done = patch.done ?? current.done;
      // A patch that changes nothing is not a change: no new version, no seq, no event.
      if (text === current.text && done === current.done) return { todo: current, event: null };
      const seq = await this.#takeSeqs(userOid, 1, session);
      const updated = await this.#todos
        .findOneAndUpdate(
          { _id: id, userId: userOid },
          { $set: { text, done, updatedAt: changeTime(ctx), device: ctx.device }, $inc: { version: 1 } },
          { returnDocument: "after", session },
        )
        .lean<TodoDoc>();
      if (updated === null) throw new Error(`todo ${id} vanished inside its transaction`);
      const todo = toTodo(updated);
      const event = upsertEvent("update", todo, seq, ctx);
      await this.#record(userOid, [event], session);
      return { todo, event };
    });
  }

  async deleteTodo(userId: string, id: string, ctx: ChangeContext): Promise<ChangeEvent | null> {
    const userOid = objectId(userId);
    if (userOid === null) return null;
    return this.#transaction(async (session) => {
      const doc = await this.#todos.findOneAndDelete({ _id: id, userId: userOid }, { session }).lean<TodoDoc>();
      if (doc === null) return null;
      const seq = await this.#takeSeqs(userOid, 1, session);
      const event = deleteEvent(userId, id, seq, ctx);
      await this.#record(userOid, [event], session);
      return event;
    });
  }

  /** @returns the todos it changed (as `ToggleAllResponse` carries them), in list order */
  async setAllDone(
    userId: string,
    done: boolean,
    ctx: ChangeContext,
  ): Promise<{ todos: Todo[]; events: ChangeEvent[]; seq: Seq }> {
    const userOid = objectId(userId);
    if (userOid === null) return { todos: [], events: [], seq: 0 };
    return this.#transaction(async (session) => {
      const changing = await this.#todos
        .find({ userId: userOid, done: !done }, { _id: 1 }, { session })
        .sort(TODO_ORDER)
        .lean<Pick<TodoDoc, "_id">[]>();
      if (changing.length === 0) return { todos: [], events: [], seq: await this.#currentSeq(userOid, session) };
      const ids = changing.map((doc) => doc._id);
      const last = await this.#takeSeqs(userOid, ids.length, session);
      await this.#todos.updateMany(
        { userId: userOid, _id: { $in: ids }, done: !done },
        { $set: { done, updatedAt: changeTime(ctx), device: ctx.device }, $inc: { version: 1 } },
        { session },
      );
      const updated = await this.#todos
        .find({ userId: userOid, _id: { $in: ids } }, null, { session })
        .sort(TODO_ORDER)
        .lean<TodoDoc[]>();
      const todos = updated.map(toTodo);
      if (todos.length !== ids.length) throw new Error("a todo vanished inside its transaction");
      const first = last - ids.length + 1;
      const events = todos.map((todo, i) => upsertEvent("update", todo, first + i, ctx));
      await this.#record(userOid, events, session);
      return { todos, events, seq: last };
    });
  }

  async deleteDone(userId: string, ctx: ChangeContext): Promise<{ deleted: string[]; events: ChangeEvent[]; seq: Seq }> {
    const userOid = objectId(userId);
    if (userOid === null) return { deleted: [], events: [], seq: 0 };
    return this.#transaction(async (session) => {
      const doomed = await this.#todos
        .find({ userId: userOid, done: true }, { _id: 1 }, { session })
        .sort(TODO_ORDER)
        .lean<Pick<TodoDoc, "_id">[]>();
      if (doomed.length === 0) return { deleted: [], events: [], seq: await this.#currentSeq(userOid, session) };
      const deleted = doomed.map((doc) => doc._id);
      await this.#todos.deleteMany({ userId: userOid, _id: { $in: deleted } }, { session });
      const last = await this.#takeSeqs(userOid, deleted.length, session);
      const first = last - deleted.length + 1;
      const events = deleted.map((id, i) => deleteEvent(userId, id, first + i, ctx));
      await this.#record(userOid, events, session);
      return { deleted, events, seq: last };
    });
  }

  // ---- change log

  async eventsSince(userId: string, since: Seq): Promise<{ events: ChangeEvent[]; complete: boolean; seq: Seq }> {
    const userOid = objectId(userId);
    if (userOid === null) return { events: [], complete: since === 0, seq: 0 };
    return this.#snapshot(async (session) => {
      const seq = await this.#currentSeq(userOid, session);
      if (since >= seq) return { events: [], complete: since === seq, seq };
      const docs = await this.#events
        .find({ userId: userOid, seq: { $gt: since } }, { event: 1 }, { session })
        .sort({ seq: 1 })
        .lean<Pick<EventDoc, "event">[]>();
      // Events stored before messages carried `type` are given it on the way out.
      const events = docs.map(({ event }): ChangeEvent => ({ ...event, type: "change" }));
      return { events, complete: isCompleteSince(since, seq, events.length), seq };
    });
  }

  // ---- internals

  /** For writes on behalf of a user: an id that cannot be one is a caller bug, not "not found". */
  #userOid(userId: string): Types.ObjectId {
    const oid = objectId(userId);
    if (oid === null) throw new Error(`not a MongoDB user id: ${userId}`);
    return oid;
  }

  async #listOf(userOid: Types.ObjectId, session: ClientSession): Promise<Todo[]> {
    const docs = await this.#todos.find({ userId: userOid }, null, { session }).sort(TODO_ORDER).lean<TodoDoc[]>();
    return docs.map(toTodo);
  }

  async #currentSeq(userOid: Types.ObjectId, session: ClientSession): Promise<Seq> {
    const user = await this.#users.findById(userOid, { seq: 1 }, { session }).lean<Pick<UserDoc, "seq">>();
    return user?.seq ?? 0;
  }

  /**
   * Takes the user's next `count` seqs and returns the last of them. Must run in the transaction
   * that records the changes: the increment commits with them or not at all.
   */
  async #takeSeqs(userOid: Types.ObjectId, count: number, session: ClientSession): Promise<Seq> {
    const user = await this.#users
      .findOneAndUpdate(
        { _id: userOid },
        { $inc: { seq: count } },
        // A change of a todo is not a change of the account: leave the user's updatedAt alone.
        { returnDocument: "after", projection: { seq: 1 }, session, timestamps: false },
      )
      .lean<Pick<UserDoc, "seq">>();
    // Callers pass an authenticated user's id; a missing document is a bug, not a client error.
    if (user === null) throw new Error(`no user ${userOid.toHexString()}`);
    return user.seq;
  }

  /** Appends events to the log and trims it to the newest `changeLogLimit`, in the caller's transaction. */
  async #record(userOid: Types.ObjectId, events: ChangeEvent[], session: ClientSession): Promise<void> {
    const last = events.at(-1);
    if (last === undefined) return;
    await this.#events.insertMany(
      events.map((event) => ({ userId: userOid, seq: event.meta.seq, event })),
      { session },
    );
    await this.#events.deleteMany(
      { userId: userOid, seq: { $lte: last.meta.seq - this.#options.changeLogLimit } },
      { session },
    );
  }

  /** A read-write transaction, retried by the driver on transient errors (write conflicts). */
  async #transaction<T>(fn: (session: ClientSession) => Promise<T>): Promise<T> {
    return this.#run(() => this.#connection.transaction(fn));
  }

  /** Several reads that must see one point in time. */
  async #snapshot<T>(fn: (session: ClientSession) => Promise<T>): Promise<T> {
    return this.#run(() => this.#connection.transaction(fn, { readConcern: { level: "snapshot" } }));
  }

  /** Runs `op`, turning driver errors into the store's domain errors. */
  async #run<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw toStoreError(err);
    }
  }
}
