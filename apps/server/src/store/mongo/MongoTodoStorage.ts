import type { ClientSession, Connection, Model, Types } from "mongoose";
import type { ChangeEvent, Seq } from "@tandem/protocol";
import { setTimeout as sleep } from "node:timers/promises";
import { checkWrites } from "../checkWrites.js";
import { storeUnavailable } from "../storeErrors.js";
import type { TodoChangeState, TodoQuery, TodoRecord, TodoSelection, TodoSnapshot, TodoStorage, TodoWrites } from "../TodoStorage.js";
import { isDuplicateKey, toStoreError, withStoreErrors } from "./mongoErrors.js";
import { objectId, type EventDoc, type TodoDoc, type UserDoc } from "./schemas.js";
import type { WebhookEndpointDoc, WebhookOutboxDoc } from "./webhookSchemas.js";

/** Oldest first; `createdSeq` orders todos created within the same millisecond. */
const TODO_ORDER = { createdAt: 1, createdSeq: 1 } as const;
/**
 * Documents per batch when reading a list. The driver decodes each batch in one go on the event
 * loop, and after the first it would otherwise fetch up to 16 MB at once: the whole list at
 * TODOS_MAX_PER_USER (6 MB of 1,000-character todos), tens of milliseconds of decoding.
 */
const LIST_BATCH_SIZE = 500;

/**
 * How long a change that keeps losing races to other changes of the same user (or to a create of
 * the same todo id) goes on reading, deciding and writing again before it fails as `unavailable`:
 * as long as a SQLite write waits for the lock. MongoDB itself retries transient transaction
 * errors (write conflicts) inside `connection.transaction`; this covers what it does not retry.
 */
const RACE_TIMEOUT_MS = 5_000;
/** The longest pause between two tries (full jitter below it), so racing changes spread out. */
const RACE_BACKOFF_CAP_MS = 20;

/** Another change of the user committed between this one's read of the seq and its write. */
class SeqRace extends Error {}

export interface TodoModels {
  users: Model<UserDoc>;
  todos: Model<TodoDoc>;
  events: Model<EventDoc>;
  endpoints: Model<WebhookEndpointDoc>;
  outbox: Model<WebhookOutboxDoc>;
}

/**
 * Todos and the change log on MongoDB. Each change is one multi-document transaction (which needs
 * a replica set; Atlas is one). The user's seq is a counter on their user document, taken with a
 * conditional update at the end of the transaction: two concurrent changes of one user conflict
 * there (MongoDB's write conflict, or the condition failing), and the loser starts over from a
 * fresh read, so seqs stay gapless and each is committed once.
 */
export class MongoTodoStorage implements TodoStorage {
  readonly #connection: Connection;
  readonly #models: TodoModels;

  constructor(connection: Connection, models: TodoModels) {
    this.#connection = connection;
    this.#models = models;
  }

  async read(userId: string, query: TodoQuery): Promise<TodoSnapshot> {
    const userOid = objectId(userId);
    if (userOid === null) return { seq: 0, todos: [], events: [] };
    const { todos, events } = this.#models;
    // One snapshot: the list, the seq and the log agree with each other.
    return withStoreErrors(() =>
      this.#connection.transaction(
        async (tx) => {
          const seq = await this.#currentSeq(userOid, tx);
          const list = query.todos
            ? await todos.find({ userId: userOid }, null, { session: tx }).sort(TODO_ORDER).batchSize(LIST_BATCH_SIZE).lean<TodoDoc[]>()
            : [];
          const after = query.eventsAfter;
          const log =
            after === undefined || after >= seq
              ? []
              : await events.find({ userId: userOid, seq: { $gt: after } }, { event: 1 }, { session: tx }).sort({ seq: 1 }).lean<Pick<EventDoc, "event">[]>();
          return { seq, todos: list.map(toTodoRecord), events: log.map(({ event }) => asChangeMessage(event)) };
        },
        { readConcern: { level: "snapshot" } },
      ),
    );
  }

  async change<T>(userId: string, select: TodoSelection, decide: (state: TodoChangeState) => TodoWrites<T>): Promise<T> {
    const userOid = objectId(userId);
    // Callers pass an authenticated user's id: one that cannot be a MongoDB id is a bug.
    if (userOid === null) throw new Error(`not a MongoDB user id: ${userId}`);
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#connection.transaction(async (tx) => {
          const seq = await this.#currentSeq(userOid, tx);
          const todos = await this.#select(userOid, select, tx);
          const webhooks = await this.#enabledWebhooks(userOid, tx);
          const writes = decide(
            select.count ? { seq, todos, webhooks, count: await this.#models.todos.countDocuments({ userId: userOid }, { session: tx }) } : { seq, todos, webhooks },
          );
          const last = checkWrites(userId, seq, writes);
          if (last !== undefined) await this.#write(userOid, seq, last, writes, tx);
          return writes.result;
        });
      } catch (err) {
        // A create racing another create of the same id lost on the todos' unique _id; a change
        // racing another change of the user lost on the seq. Either way: read again, decide again.
        if (!(err instanceof SeqRace || isDuplicateKey(err))) throw toStoreError(err);
        if (performance.now() - started >= RACE_TIMEOUT_MS) throw storeUnavailable(err);
        await sleep(Math.random() * Math.min(RACE_BACKOFF_CAP_MS, 2 ** attempt));
      }
    }
  }

  async #currentSeq(userOid: Types.ObjectId, tx: ClientSession): Promise<Seq> {
    const user = await this.#models.users.findById(userOid, { seq: 1 }, { session: tx }).lean<Pick<UserDoc, "seq">>();
    if (user === null) throw new Error(`no user ${userOid.toHexString()}`);
    return user.seq;
  }

  async #enabledWebhooks(userOid: Types.ObjectId, tx: ClientSession): Promise<string[]> {
    const docs = await this.#models.endpoints
      .find({ userId: userOid, disabledAt: null }, { _id: 1 }, { session: tx })
      .sort({ createdAt: 1, _id: 1 })
      .lean<Pick<WebhookEndpointDoc, "_id">[]>();
    return docs.map((doc) => doc._id);
  }

  async #select(userOid: Types.ObjectId, select: TodoSelection, tx: ClientSession): Promise<TodoRecord[]> {
    const { todos } = this.#models;
    const docs =
      "done" in select
        ? await todos.find({ userId: userOid, done: select.done }, null, { session: tx }).sort(TODO_ORDER).limit(select.limit ?? 0).lean<TodoDoc[]>()
        : await todos.find({ _id: { $in: [...select.ids] } }, null, { session: tx }).lean<TodoDoc[]>();
    return docs.map(toTodoRecord);
  }

  async #write(userOid: Types.ObjectId, seq: Seq, last: Seq, writes: TodoWrites<unknown>, tx: ClientSession): Promise<void> {
    const { users, todos, events } = this.#models;
    // Takes the seqs, unless another change of the user took them first. A change of a todo is
    // not a change of the account: the user's updatedAt is left alone.
    const taken = await users.updateOne({ _id: userOid, seq }, { $set: { seq: last } }, { session: tx, timestamps: false });
    if (taken.matchedCount !== 1) throw new SeqRace(`seq ${seq} of ${userOid.toHexString()} moved`);
    const inserted = writes.inserted ?? [];
    if (inserted.length > 0) {
      await todos.insertMany(
        inserted.map(({ todo, seq: createdSeq }) => ({ ...toDoc(todo, userOid), createdSeq })),
        { session: tx },
      );
    }
    const updated = writes.updated ?? [];
    if (updated.length > 0) {
      const result = await todos.bulkWrite(
        updated.map((todo) => ({
          updateOne: {
            filter: { _id: todo.id, userId: userOid },
            update: { $set: { text: todo.text, done: todo.done, updatedAt: new Date(todo.updatedAt), device: todo.device, version: todo.version } },
          },
        })),
        { session: tx },
      );
      if (result.matchedCount !== updated.length) throw new Error("a todo vanished inside its transaction");
    }
    const deleted = writes.deleted ?? [];
    if (deleted.length > 0) {
      const { deletedCount } = await todos.deleteMany({ userId: userOid, _id: { $in: [...deleted] } }, { session: tx });
      if (deletedCount !== deleted.length) throw new Error("a todo vanished inside its transaction");
    }
    await events.insertMany(
      writes.events.map((event) => ({ userId: userOid, seq: event.meta.seq, event })),
      { session: tx },
    );
    if (writes.trimThrough !== undefined) {
      await events.deleteMany({ userId: userOid, seq: { $lte: writes.trimThrough } }, { session: tx });
    }
    await this.#queueDeliveries(userOid, writes, tx);
  }

  /**
   * The outbox rows, and each endpoint's `pending` count: that write makes this change conflict
   * with a concurrent completion that is deciding whether the endpoint's queue ran empty.
   */
  async #queueDeliveries(userOid: Types.ObjectId, writes: TodoWrites<unknown>, tx: ClientSession): Promise<void> {
    const deliveries = writes.deliveries ?? [];
    if (deliveries.length === 0) return;
    const { endpoints, outbox } = this.#models;
    await outbox.insertMany(deliveries.map(({ endpointId, seq, body }) => ({ endpointId, seq, body, attempts: 0 })), { session: tx });
    const perEndpoint = new Map<string, number>();
    for (const { endpointId } of deliveries) perEndpoint.set(endpointId, (perEndpoint.get(endpointId) ?? 0) + 1);
    const now = new Date();
    for (const [endpointId, count] of perEndpoint) {
      await endpoints.updateOne({ _id: endpointId, userId: userOid }, { $inc: { pending: count } }, { session: tx });
      // An endpoint already due (or waiting for a retry) keeps its time: the new events queue behind.
      await endpoints.updateOne({ _id: endpointId, userId: userOid, dueAt: null, disabledAt: null }, { $set: { dueAt: now } }, { session: tx });
    }
  }
}

function toTodoRecord(doc: TodoDoc): TodoRecord {
  return {
    id: doc._id,
    userId: doc.userId.toHexString(),
    text: doc.text,
    done: doc.done,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    device: doc.device ?? null,
    version: doc.version,
  };
}

function toDoc(todo: TodoRecord, userOid: Types.ObjectId): Omit<TodoDoc, "createdSeq"> {
  return {
    _id: todo.id,
    userId: userOid,
    text: todo.text,
    done: todo.done,
    createdAt: new Date(todo.createdAt),
    updatedAt: new Date(todo.updatedAt),
    device: todo.device,
    version: todo.version,
  };
}

/** Events stored before messages carried `type` are given it on the way out. */
function asChangeMessage(event: ChangeEvent): ChangeEvent {
  return event.type === "change" ? event : { ...event, type: "change" };
}
