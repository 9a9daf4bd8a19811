import mongoose from "mongoose";
import type { Connection, Model } from "mongoose";
import type { TokenInfo } from "@tandem/protocol";
import { storeUnavailable } from "../storeErrors.js";
import type { IdempotencyStore, SessionRecord, SessionStore, Store, TokenStore, UserStore } from "../Store.js";
import type { LimiterFactory } from "../../limits/LimiterFactory.js";
import { createLimiterIndexes, mongoLimiters } from "./mongoLimiters.js";
import { mongoIdempotency } from "./mongoIdempotency.js";
import { MongoTodoStorage } from "./MongoTodoStorage.js";
import { toStoreError, withStoreErrors } from "./mongoErrors.js";
import { eventSchema, idempotencyKeySchema, objectId, sessionSchema, todoSchema, tokenSchema, userSchema } from "./schemas.js";
import type { EventDoc, IdempotencyKeyDoc, SessionDoc, TodoDoc, TokenDoc, UserDoc } from "./schemas.js";

export interface MongoStoreOptions {
  /** A `mongodb://` or `mongodb+srv://` URI; its path names the database. */
  uri: string;
  /** How long an operation waits for a usable server before failing as `unavailable`. */
  serverSelectionTimeoutMs?: number;
}

/**
 * How long an operation waits for a usable server. The driver's default is 30 s; a request
 * that cannot be served should become a 503 well before a browser or load balancer gives up.
 */
const DEFAULT_SERVER_SELECTION_TIMEOUT_MS = 5_000;

/**
 * The MongoDB adapter, through mongoose on a connection of its own (never mongoose's global
 * default connection, so two stores, or a test's store and the app's, cannot share state).
 * Todo changes are transactions (see MongoTodoStorage): run MongoDB as a replica set (Atlas is
 * one; a single server as a one-member set: `mongod --replSet rs0`, then `rs.initiate()` once).
 */
export class MongoStore implements Store {
  readonly kind = "mongodb";
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly tokens: TokenStore;
  readonly todos: MongoTodoStorage;
  readonly limiters: LimiterFactory;
  readonly idempotency: IdempotencyStore;

  readonly #options: MongoStoreOptions;
  readonly #connection: Connection;
  readonly #models: Model<unknown>[];
  #opening: Promise<void> | null = null;

  constructor(options: MongoStoreOptions) {
    this.#options = options;
    // Created unopened: nothing connects until init(), and constructing a store has no effects.
    this.#connection = mongoose.createConnection();
    const users = this.#connection.model<UserDoc>("User", userSchema);
    const tokens = this.#connection.model<TokenDoc>("Token", tokenSchema);
    const todos = this.#connection.model<TodoDoc>("Todo", todoSchema);
    const events = this.#connection.model<EventDoc>("Event", eventSchema);
    const sessions = this.#connection.model<SessionDoc>("Session", sessionSchema);
    const idempotencyKeys = this.#connection.model<IdempotencyKeyDoc>("IdempotencyKey", idempotencyKeySchema);
    this.#models = [users, tokens, todos, events, sessions, idempotencyKeys] as Model<unknown>[];
    this.users = mongoUsers(users);
    this.sessions = mongoSessions(sessions, users);
    this.tokens = mongoTokens(tokens);
    this.todos = new MongoTodoStorage(this.#connection, { users, todos, events });
    this.limiters = mongoLimiters(this.#connection);
    this.idempotency = mongoIdempotency(idempotencyKeys);
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
    for (const model of this.#models) {
      await model.createCollection();
      await model.createIndexes();
    }
    await createLimiterIndexes(this.#connection);
  }

  async ping(): Promise<void> {
    const db = this.#connection.db;
    if (db === undefined) throw storeUnavailable(new Error("MongoStore is not connected"));
    await withStoreErrors(() => db.command({ ping: 1 }));
  }

  async close(): Promise<void> {
    await this.#connection.close();
  }
}

function mongoUsers(users: Model<UserDoc>): UserStore {
  return {
    // The _id is a fresh ObjectId, so the only unique key an insert can break is the email.
    create: ({ email, passwordHash }) =>
      withStoreErrors(async () => {
        const doc = await users.create({ email, passwordHash });
        return { id: doc._id.toHexString(), email: doc.email };
      }),
    findByEmail: (email) =>
      withStoreErrors(async () => {
        const doc = await users.findOne({ email }).lean<UserDoc>();
        return doc === null ? null : { id: doc._id.toHexString(), email: doc.email, passwordHash: doc.passwordHash };
      }),
    async findById(id) {
      const oid = objectId(id);
      if (oid === null) return null;
      const doc = await withStoreErrors(() => users.findById(oid).lean<UserDoc>());
      return doc === null ? null : { id: doc._id.toHexString(), email: doc.email };
    },
  };
}

function toSessionRecord(doc: SessionDoc): SessionRecord {
  return { id: doc._id, userId: doc.userId.toHexString(), signedInAt: doc.signedInAt.getTime(), expiresAt: doc.expiresAt.getTime() };
}

function mongoSessions(sessions: Model<SessionDoc>, users: Model<UserDoc>): SessionStore {
  const find = async (id: string, now: number) => {
    const doc = await withStoreErrors(() => sessions.findOne({ _id: id, expiresAt: { $gt: new Date(now) } }).lean<SessionDoc>());
    return doc === null ? null : toSessionRecord(doc);
  };
  return {
    async create(session) {
      const userId = objectId(session.userId);
      if (userId === null) throw new Error(`not a user id: ${session.userId}`);
      await withStoreErrors(() =>
        sessions.create({ _id: session.id, userId, signedInAt: new Date(session.signedInAt), expiresAt: new Date(session.expiresAt) }),
      );
    },
    find,
    /** Two reads by `_id`, one after the other (a `$lookup` aggregation could make them one round trip). */
    async findWithUser(id, now) {
      const session = await find(id, now);
      if (session === null) return null;
      const user = await withStoreErrors(() => users.findById(session.userId, { email: 1 }).lean<Pick<UserDoc, "_id" | "email">>());
      return user === null ? null : { session, user: { id: user._id.toHexString(), email: user.email } };
    },
    async extend(id, expiresAt) {
      const at = new Date(expiresAt);
      await withStoreErrors(() => sessions.updateOne({ _id: id, expiresAt: { $lt: at } }, { $set: { expiresAt: at } }));
    },
    async delete(id) {
      await withStoreErrors(() => sessions.deleteOne({ _id: id }));
    },
    // MongoDB's TTL index deletes them too, within a minute or so; this keeps both adapters alike.
    async deleteExpired(now) {
      const { deletedCount } = await withStoreErrors(() => sessions.deleteMany({ expiresAt: { $lte: new Date(now) } }));
      return deletedCount;
    },
  };
}

function toTokenInfo(doc: TokenDoc): TokenInfo {
  return { id: doc._id.toHexString(), name: doc.name, createdAt: doc.createdAt.toISOString(), lastUsedAt: doc.lastUsedAt?.toISOString() ?? null };
}

function mongoTokens(tokens: Model<TokenDoc>): TokenStore {
  return {
    async create({ userId, name, tokenHash, createdAt }) {
      const userOid = objectId(userId);
      if (userOid === null) throw new Error(`not a user id: ${userId}`);
      const doc = await withStoreErrors(() => tokens.create({ userId: userOid, name, tokenHash, createdAt: new Date(createdAt) }));
      return toTokenInfo(doc);
    },
    async findByHash(tokenHash) {
      const doc = await withStoreErrors(() => tokens.findOne({ tokenHash }).lean<TokenDoc>());
      return doc === null ? null : { ...toTokenInfo(doc), userId: doc.userId.toHexString() };
    },
    async markUsed(id, at) {
      const oid = objectId(id);
      if (oid !== null) await withStoreErrors(() => tokens.updateOne({ _id: oid }, { $set: { lastUsedAt: new Date(at) } }));
    },
    async list(userId) {
      const userOid = objectId(userId);
      if (userOid === null) return [];
      const docs = await withStoreErrors(() => tokens.find({ userId: userOid }).sort({ createdAt: 1, _id: 1 }).lean<TokenDoc[]>());
      return docs.map(toTokenInfo);
    },
    async delete(userId, tokenId) {
      const userOid = objectId(userId);
      const tokenOid = objectId(tokenId);
      if (userOid === null || tokenOid === null) return false;
      const { deletedCount } = await withStoreErrors(() => tokens.deleteOne({ _id: tokenOid, userId: userOid }));
      return deletedCount > 0;
    },
  };
}
