import mongoose from "mongoose";
import type { Connection, Model } from "mongoose";
import { storeUnavailable } from "../storeErrors.js";
import type { IdempotencyStore, PasswordResetStore, SessionStore, Store, TokenStore, UserStore } from "../Store.js";
import type { LimiterFactory } from "../../limits/LimiterFactory.js";
import { createLimiterIndexes, mongoLimiters } from "./mongoLimiters.js";
import { mongoIdempotency } from "./mongoIdempotency.js";
import { MongoTodoStorage } from "./MongoTodoStorage.js";
import { MongoWebhookStorage } from "./MongoWebhookStorage.js";
import { webhookAttemptSchema, webhookEndpointSchema, webhookOutboxSchema } from "./webhookSchemas.js";
import type { WebhookAttemptDoc, WebhookEndpointDoc, WebhookOutboxDoc } from "./webhookSchemas.js";
import { toStoreError, withStoreErrors } from "./mongoErrors.js";
import { eventSchema, idempotencyKeySchema, passwordResetSchema, sessionSchema, todoSchema, tokenSchema, userSchema } from "./schemas.js";
import type { EventDoc, IdempotencyKeyDoc, PasswordResetDoc, SessionDoc, TodoDoc, TokenDoc, UserDoc } from "./schemas.js";
import { mongoPasswordResets, mongoSessions, mongoTokens, mongoUsers } from "./mongoAccounts.js";

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
  readonly passwordResets: PasswordResetStore;
  readonly todos: MongoTodoStorage;
  readonly webhooks: MongoWebhookStorage;
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
    const passwordResets = this.#connection.model<PasswordResetDoc>("PasswordReset", passwordResetSchema);
    const endpoints = this.#connection.model<WebhookEndpointDoc>("WebhookEndpoint", webhookEndpointSchema);
    const outbox = this.#connection.model<WebhookOutboxDoc>("WebhookOutbox", webhookOutboxSchema);
    const attempts = this.#connection.model<WebhookAttemptDoc>("WebhookAttempt", webhookAttemptSchema);
    const idempotencyKeys = this.#connection.model<IdempotencyKeyDoc>("IdempotencyKey", idempotencyKeySchema);
    this.#models = [users, tokens, todos, events, sessions, passwordResets, endpoints, outbox, attempts, idempotencyKeys] as Model<unknown>[];
    const models = { users, sessions, tokens, todos, events, passwordResets, endpoints, outbox, attempts, idempotencyKeys };
    this.users = mongoUsers(this.#connection, models);
    this.sessions = mongoSessions(models);
    this.tokens = mongoTokens(this.#connection, models);
    this.passwordResets = mongoPasswordResets(this.#connection, models);
    this.todos = new MongoTodoStorage(this.#connection, { users, todos, events, endpoints, outbox });
    this.webhooks = new MongoWebhookStorage(this.#connection, { users, endpoints, outbox, attempts });
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
