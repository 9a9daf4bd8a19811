import type { ClientSession, Connection, Model } from "mongoose";
import type { ClaimedDelivery, DeliveryOutcome, WebhookAttemptRecord, WebhookEndpointRecord, WebhookStorage } from "../WebhookStorage.js";
import { withStoreErrors } from "./mongoErrors.js";
import { objectId, type UserDoc } from "./schemas.js";
import type { WebhookAttemptDoc, WebhookEndpointDoc, WebhookOutboxDoc } from "./webhookSchemas.js";

export interface WebhookModels {
  users: Model<UserDoc>;
  endpoints: Model<WebhookEndpointDoc>;
  outbox: Model<WebhookOutboxDoc>;
  attempts: Model<WebhookAttemptDoc>;
}

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());
const released = { leaseOwner: null, leaseUntil: null };

/**
 * Outbound webhooks on MongoDB. A claim leases one endpoint per `findOneAndUpdate`, which MongoDB
 * applies to one document atomically: two instances never lease the same endpoint at once. A
 * completion is a transaction that first updates the endpoint on the condition that the caller
 * still holds its lease.
 */
export class MongoWebhookStorage implements WebhookStorage {
  readonly #connection: Connection;
  readonly #m: WebhookModels;

  constructor(connection: Connection, models: WebhookModels) {
    this.#connection = connection;
    this.#m = models;
  }

  async create(endpoint: Parameters<WebhookStorage["create"]>[0], maxPerUser: number): Promise<boolean> {
    const userOid = objectId(endpoint.userId);
    if (userOid === null) throw new Error(`not a MongoDB user id: ${endpoint.userId}`);
    return withStoreErrors(() =>
      this.#connection.transaction(async (tx) => {
        // Writing the user's document makes two concurrent creates conflict, so the count holds.
        await this.#m.users.updateOne({ _id: userOid }, { $set: { updatedAt: new Date() } }, { session: tx });
        if ((await this.#m.endpoints.countDocuments({ userId: userOid }, { session: tx })) >= maxPerUser) return false;
        const { id, ...fields } = endpoint;
        await this.#m.endpoints.create([{ ...fields, _id: id, userId: userOid, createdAt: new Date(endpoint.createdAt) }], { session: tx });
        return true;
      }),
    );
  }

  async list(userId: string): Promise<WebhookEndpointRecord[]> {
    const userOid = objectId(userId);
    if (userOid === null) return [];
    const docs = await withStoreErrors(() => this.#m.endpoints.find({ userId: userOid }).sort({ createdAt: 1, _id: 1 }).lean<WebhookEndpointDoc[]>());
    return docs.map(toEndpointRecord);
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const userOid = objectId(userId);
    if (userOid === null) return false;
    return withStoreErrors(() =>
      this.#connection.transaction(async (tx) => {
        const { deletedCount } = await this.#m.endpoints.deleteOne({ _id: id, userId: userOid }, { session: tx });
        if (deletedCount === 0) return false;
        await this.#m.outbox.deleteMany({ endpointId: id }, { session: tx });
        await this.#m.attempts.deleteMany({ endpointId: id }, { session: tx });
        return true;
      }),
    );
  }

  async enable(userId: string, id: string): Promise<boolean> {
    const userOid = objectId(userId);
    if (userOid === null) return false;
    const { matchedCount } = await withStoreErrors(() =>
      this.#m.endpoints.updateOne({ _id: id, userId: userOid }, { $set: { disabledAt: null, disabledReason: null, failingSince: null } }),
    );
    return matchedCount > 0;
  }

  async attempts(userId: string, id: string, limit: number): Promise<WebhookAttemptRecord[] | null> {
    const userOid = objectId(userId);
    if (userOid === null) return null;
    const owned = await withStoreErrors(() => this.#m.endpoints.exists({ _id: id, userId: userOid }));
    if (owned === null) return null;
    const docs = await withStoreErrors(() => this.#m.attempts.find({ endpointId: id }).sort({ _id: -1 }).limit(limit).lean<WebhookAttemptDoc[]>());
    return docs.map(toAttemptRecord);
  }

  async hasDue(now: number): Promise<boolean> {
    const at = new Date(now);
    return (await withStoreErrors(() => this.#m.endpoints.exists(dueFilter(at)))) !== null;
  }

  async claim(owner: string, now: number, leaseUntil: number, limit: number): Promise<ClaimedDelivery[]> {
    const at = new Date(now);
    const claimed: ClaimedDelivery[] = [];
    while (claimed.length < limit) {
      const endpoint = await withStoreErrors(() =>
        this.#m.endpoints
          .findOneAndUpdate(dueFilter(at), { $set: { leaseOwner: owner, leaseUntil: new Date(leaseUntil) } }, { sort: { dueAt: 1 }, new: true })
          .lean<WebhookEndpointDoc>(),
      );
      if (endpoint === null) break;
      const head = await withStoreErrors(() => this.#m.outbox.findOne({ endpointId: endpoint._id }).sort({ seq: 1 }).lean<WebhookOutboxDoc>());
      if (head === null) {
        // Due with nothing queued: idle, unless a change queued one meanwhile (then `pending` moved).
        await withStoreErrors(() => this.#m.endpoints.updateOne({ _id: endpoint._id, leaseOwner: owner, pending: 0 }, { $set: { dueAt: null, ...released } }));
        continue;
      }
      claimed.push({
        endpointId: endpoint._id,
        userId: endpoint.userId.toHexString(),
        url: endpoint.url,
        secret: endpoint.secret,
        seq: head.seq,
        body: head.body,
        attempt: head.attempts + 1,
        failingSince: iso(endpoint.failingSince),
      });
    }
    return claimed;
  }

  async complete(owner: string, delivery: ClaimedDelivery, attempt: WebhookAttemptRecord, outcome: DeliveryOutcome, keepAttempts: number): Promise<boolean> {
    const id = delivery.endpointId;
    const at = new Date(attempt.at);
    const last = { lastAttemptAt: at, lastStatus: attempt.status, lastError: attempt.error };
    return withStoreErrors(() =>
      this.#connection.transaction(async (tx) => {
        const { endpoints, outbox } = this.#m;
        const held = { _id: id, leaseOwner: owner };
        const current = await endpoints.findOne(held, { failingSince: 1 }, { session: tx }).lean<Pick<WebhookEndpointDoc, "failingSince">>();
        if (current === null) return false;
        const failingSince = current.failingSince ?? at;
        switch (outcome.kind) {
          case "delivered": {
            await outbox.deleteOne({ endpointId: id, seq: delivery.seq }, { session: tx });
            const after = await endpoints
              .findOneAndUpdate(held, { $inc: { pending: -1 }, $set: { ...last, ...released, failingSince: null } }, { session: tx, new: true })
              .lean<Pick<WebhookEndpointDoc, "pending">>();
            await endpoints.updateOne({ _id: id }, { $set: { dueAt: (after?.pending ?? 0) > 0 ? new Date() : null } }, { session: tx });
            break;
          }
          case "retry":
            await outbox.updateOne({ endpointId: id, seq: delivery.seq }, { $inc: { attempts: 1 } }, { session: tx });
            await endpoints.updateOne(held, { $set: { ...last, ...released, failingSince, dueAt: new Date(outcome.at) } }, { session: tx });
            break;
          case "disable":
            await outbox.deleteMany({ endpointId: id }, { session: tx });
            await endpoints.updateOne(
              held,
              { $set: { ...last, ...released, failingSince, dueAt: null, pending: 0, disabledAt: at, disabledReason: outcome.reason } },
              { session: tx },
            );
            break;
        }
        await this.#record(id, attempt, keepAttempts, tx);
        return true;
      }),
    );
  }

  async #record(endpointId: string, attempt: WebhookAttemptRecord, keep: number, tx: ClientSession): Promise<void> {
    const { attempts } = this.#m;
    await attempts.create(
      [{ endpointId, ...attempt, at: new Date(attempt.at), nextRetryAt: attempt.nextRetryAt === null ? null : new Date(attempt.nextRetryAt) }],
      { session: tx },
    );
    const oldest = await attempts.find({ endpointId }, { _id: 1 }, { session: tx }).sort({ _id: -1 }).skip(keep).limit(1).lean<Pick<WebhookAttemptDoc, "_id">[]>();
    const cut = oldest[0];
    if (cut !== undefined) await attempts.deleteMany({ endpointId, _id: { $lte: cut._id } }, { session: tx });
  }
}

function dueFilter(at: Date) {
  return { dueAt: { $lte: at }, $or: [{ leaseUntil: null }, { leaseUntil: { $lte: at } }] };
}

function toEndpointRecord(doc: WebhookEndpointDoc): WebhookEndpointRecord {
  return {
    id: doc._id,
    userId: doc.userId.toHexString(),
    url: doc.url,
    description: doc.description,
    secret: doc.secret,
    createdAt: doc.createdAt.toISOString(),
    disabledAt: iso(doc.disabledAt),
    disabledReason: doc.disabledReason,
    failingSince: iso(doc.failingSince),
    lastAttemptAt: iso(doc.lastAttemptAt),
    lastStatus: doc.lastStatus,
    lastError: doc.lastError,
  };
}

function toAttemptRecord(doc: WebhookAttemptDoc): WebhookAttemptRecord {
  return {
    seq: doc.seq,
    attempt: doc.attempt,
    at: doc.at.toISOString(),
    status: doc.status,
    error: doc.error,
    durationMs: doc.durationMs,
    responseBody: doc.responseBody,
    nextRetryAt: iso(doc.nextRetryAt),
  };
}
