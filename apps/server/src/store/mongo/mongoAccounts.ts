import type { Connection, Model } from "mongoose";
import type { TokenInfo } from "@tandem/protocol";
import type { PasswordResetStore, SessionRecord, SessionStore, TokenStore, UserStore } from "../Store.js";
import { withStoreErrors } from "./mongoErrors.js";
import { objectId } from "./schemas.js";
import type { EventDoc, PasswordResetDoc, SessionDoc, TodoDoc, TokenDoc, UserDoc } from "./schemas.js";
import type { WebhookAttemptDoc, WebhookEndpointDoc, WebhookOutboxDoc } from "./webhookSchemas.js";

/** The account side of the MongoDB adapter: users, browser sessions, API tokens, reset links. */

export interface AccountModels {
  users: Model<UserDoc>;
  sessions: Model<SessionDoc>;
  tokens: Model<TokenDoc>;
  todos: Model<TodoDoc>;
  events: Model<EventDoc>;
  passwordResets: Model<PasswordResetDoc>;
  endpoints: Model<WebhookEndpointDoc>;
  outbox: Model<WebhookOutboxDoc>;
  attempts: Model<WebhookAttemptDoc>;
}

function userOid(userId: string) {
  const oid = objectId(userId);
  // Callers pass an authenticated user's id: one that cannot be a MongoDB id is a bug.
  if (oid === null) throw new Error(`not a user id: ${userId}`);
  return oid;
}

export function mongoUsers(connection: Connection, models: AccountModels): UserStore {
  const { users } = models;
  const record = (doc: UserDoc) => ({ id: doc._id.toHexString(), email: doc.email, passwordHash: doc.passwordHash, createdAt: doc.createdAt.toISOString() });
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
        return doc === null ? null : record(doc);
      }),
    async findById(id) {
      const oid = objectId(id);
      if (oid === null) return null;
      const doc = await withStoreErrors(() => users.findById(oid).lean<UserDoc>());
      return doc === null ? null : { id: doc._id.toHexString(), email: doc.email };
    },
    async findRecordById(id) {
      const oid = objectId(id);
      if (oid === null) return null;
      const doc = await withStoreErrors(() => users.findById(oid).lean<UserDoc>());
      return doc === null ? null : record(doc);
    },
    async setPasswordHash(id, passwordHash) {
      await withStoreErrors(() => users.updateOne({ _id: userOid(id) }, { $set: { passwordHash } }));
    },
    async delete(id) {
      const oid = objectId(id);
      if (oid === null) return false;
      return withStoreErrors(() =>
        connection.transaction(async (session) => {
          const { deletedCount } = await users.deleteOne({ _id: oid }, { session });
          await models.todos.deleteMany({ userId: oid }, { session });
          await models.events.deleteMany({ userId: oid }, { session });
          await models.sessions.deleteMany({ userId: oid }, { session });
          await models.tokens.deleteMany({ userId: oid }, { session });
          await models.passwordResets.deleteMany({ userId: oid }, { session });
          const endpointIds = (await models.endpoints.find({ userId: oid }, { _id: 1 }, { session }).lean<Pick<WebhookEndpointDoc, "_id">[]>()).map((e) => e._id);
          await models.outbox.deleteMany({ endpointId: { $in: endpointIds } }, { session });
          await models.attempts.deleteMany({ endpointId: { $in: endpointIds } }, { session });
          await models.endpoints.deleteMany({ userId: oid }, { session });
          return deletedCount > 0;
        }),
      );
    },
  };
}

function toSessionRecord(doc: SessionDoc): SessionRecord {
  return {
    id: doc._id,
    userId: doc.userId.toHexString(),
    signedInAt: doc.signedInAt.getTime(),
    expiresAt: doc.expiresAt.getTime(),
    deviceId: doc.deviceId,
    name: doc.name,
    createdAt: doc.createdAt.getTime(),
    lastSeenAt: doc.lastSeenAt.getTime(),
  };
}

export function mongoSessions({ sessions, users }: AccountModels): SessionStore {
  const find = async (id: string, now: number) => {
    const doc = await withStoreErrors(() => sessions.findOne({ _id: id, expiresAt: { $gt: new Date(now) } }).lean<SessionDoc>());
    return doc === null ? null : toSessionRecord(doc);
  };
  return {
    async create(session) {
      await withStoreErrors(() =>
        sessions.create({
          _id: session.id,
          userId: userOid(session.userId),
          signedInAt: new Date(session.signedInAt),
          expiresAt: new Date(session.expiresAt),
          deviceId: session.deviceId,
          name: session.name,
          createdAt: new Date(session.createdAt),
          lastSeenAt: new Date(session.lastSeenAt),
        }),
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
    async listByUser(userId, now) {
      const oid = objectId(userId);
      if (oid === null) return [];
      const docs = await withStoreErrors(() => sessions.find({ userId: oid, expiresAt: { $gt: new Date(now) } }).lean<SessionDoc[]>());
      return docs.map(toSessionRecord);
    },
    async markSeen(id, at) {
      const when = new Date(at);
      await withStoreErrors(() => sessions.updateOne({ _id: id, lastSeenAt: { $lt: when } }, { $set: { lastSeenAt: when } }));
    },
    async rename(userId, deviceId, name) {
      const oid = objectId(userId);
      if (oid === null) return false;
      const { matchedCount } = await withStoreErrors(() => sessions.updateOne({ userId: oid, deviceId }, { $set: { name } }));
      return matchedCount > 0;
    },
    /** `_id` cannot change in place: the document is copied under the new id and the old one deleted, in one transaction. */
    async renew(id, next) {
      return withStoreErrors(() =>
        sessions.db.transaction(async (tx) => {
          const doc = await sessions.findOneAndDelete({ _id: id }, { session: tx }).lean<SessionDoc>();
          if (doc === null) return false;
          await sessions.create([{ ...doc, _id: next.id, signedInAt: new Date(next.signedInAt), expiresAt: new Date(next.expiresAt) }], { session: tx });
          return true;
        }),
      );
    },
    async deleteByDevice(userId, deviceId) {
      const oid = objectId(userId);
      if (oid === null) return null;
      const doc = await withStoreErrors(() => sessions.findOneAndDelete({ userId: oid, deviceId }).lean<SessionDoc>());
      return doc?._id ?? null;
    },
    async deleteByUser(userId, exceptId) {
      const oid = objectId(userId);
      if (oid === null) return [];
      const filter = exceptId === null ? { userId: oid } : { userId: oid, _id: { $ne: exceptId } };
      return withStoreErrors(async () => {
        const ids = (await sessions.find(filter, { _id: 1 }).lean<Pick<SessionDoc, "_id">[]>()).map((d) => d._id);
        if (ids.length > 0) await sessions.deleteMany({ _id: { $in: ids } });
        return ids;
      });
    },
    // MongoDB's TTL index deletes them too, within a minute or so; this keeps both adapters alike.
    async deleteExpired(now) {
      const { deletedCount } = await withStoreErrors(() => sessions.deleteMany({ expiresAt: { $lte: new Date(now) } }));
      return deletedCount;
    },
  };
}

function toTokenInfo(doc: TokenDoc): TokenInfo {
  return {
    id: doc._id.toHexString(),
    name: doc.name,
    createdAt: doc.createdAt.toISOString(),
    lastUsedAt: doc.lastUsedAt?.toISOString() ?? null,
    expiresAt: doc.expiresAt.toISOString(),
  };
}

export function mongoTokens(connection: Connection, { tokens, users }: AccountModels): TokenStore {
  return {
    /**
     * The count and the insert are one transaction that also writes the user's document, so two
     * creations for one user conflict (one is retried) instead of both passing the cap.
     */
    async create(input, { maxLive, now }) {
      const userId = userOid(input.userId);
      return withStoreErrors(() =>
        connection.transaction(async (session) => {
          await users.updateOne({ _id: userId }, { $set: { updatedAt: new Date() } }, { session, timestamps: false });
          const live = await tokens.countDocuments({ userId, expiresAt: { $gt: new Date(now) } }, { session });
          if (live >= maxLive) return null;
          const [doc] = await tokens.create(
            [{ userId, name: input.name, tokenHash: input.tokenHash, createdAt: new Date(input.createdAt), expiresAt: new Date(input.expiresAt) }],
            { session },
          );
          if (doc === undefined) throw new Error("token insert returned nothing");
          return toTokenInfo(doc);
        }),
      );
    },
    async findByHash(tokenHash, now) {
      const doc = await withStoreErrors(() => tokens.findOne({ tokenHash, expiresAt: { $gt: new Date(now) } }).lean<TokenDoc>());
      return doc === null ? null : { ...toTokenInfo(doc), userId: doc.userId.toHexString() };
    },
    async findById(id, now) {
      const oid = objectId(id);
      if (oid === null) return null;
      const doc = await withStoreErrors(() => tokens.findOne({ _id: oid, expiresAt: { $gt: new Date(now) } }).lean<TokenDoc>());
      return doc === null ? null : { ...toTokenInfo(doc), userId: doc.userId.toHexString() };
    },
    async markUsed(id, at) {
      const oid = objectId(id);
      if (oid !== null) await withStoreErrors(() => tokens.updateOne({ _id: oid }, { $set: { lastUsedAt: new Date(at) } }));
    },
    async list(userId, now) {
      const oid = objectId(userId);
      if (oid === null) return [];
      const docs = await withStoreErrors(() => tokens.find({ userId: oid, expiresAt: { $gt: new Date(now) } }).sort({ createdAt: 1, _id: 1 }).lean<TokenDoc[]>());
      return docs.map(toTokenInfo);
    },
    async rename(userId, tokenId, name) {
      const oid = objectId(userId);
      const tokenOid = objectId(tokenId);
      if (oid === null || tokenOid === null) return false;
      const { matchedCount } = await withStoreErrors(() => tokens.updateOne({ _id: tokenOid, userId: oid }, { $set: { name } }));
      return matchedCount > 0;
    },
    async delete(userId, tokenId) {
      const oid = objectId(userId);
      const tokenOid = objectId(tokenId);
      if (oid === null || tokenOid === null) return false;
      const { deletedCount } = await withStoreErrors(() => tokens.deleteOne({ _id: tokenOid, userId: oid }));
      return deletedCount > 0;
    },
    async deleteByUser(userId) {
      const oid = objectId(userId);
      if (oid === null) return [];
      return withStoreErrors(async () => {
        const ids = (await tokens.find({ userId: oid }, { _id: 1 }).lean<Pick<TokenDoc, "_id">[]>()).map((d) => d._id);
        if (ids.length > 0) await tokens.deleteMany({ _id: { $in: ids } });
        return ids.map((id) => id.toHexString());
      });
    },
  };
}

export function mongoPasswordResets(connection: Connection, { passwordResets }: AccountModels): PasswordResetStore {
  return {
    async create({ tokenHash, userId, expiresAt }, now) {
      const oid = userOid(userId);
      await withStoreErrors(async () => {
        await passwordResets.deleteMany({ userId: oid, expiresAt: { $lte: new Date(now) } });
        await passwordResets.create({ _id: tokenHash, userId: oid, expiresAt: new Date(expiresAt) });
      });
    },
    async consume(tokenHash, now) {
      return withStoreErrors(() =>
        connection.transaction(async (session) => {
          // Deleting it first makes a second, concurrent use find nothing.
          const doc = await passwordResets.findOneAndDelete({ _id: tokenHash }, { session }).lean<PasswordResetDoc>();
          if (doc === null || doc.expiresAt.getTime() <= now) return null;
          await passwordResets.deleteMany({ userId: doc.userId }, { session });
          return doc.userId.toHexString();
        }),
      );
    },
  };
}
