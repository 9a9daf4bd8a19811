import { randomUUID } from "node:crypto";
import type { ChangeEvent, Seq, Todo, TodoId } from "@tandem/protocol";
import type { TodoStorage } from "../store/TodoStorage.js";
import { BULK_CHUNK_SIZE, changeInChunks } from "./bulkChange.js";
import type { ChangeFeed } from "./ChangeFeed.js";
import type { WriteLimit } from "./writeLimit.js";
import { changesSince, type CatchUp } from "./changeLog.js";
import { clearCompleted, createTodo, deleteTodo, setAllDone, toTodo, updateTodo, type ChangeContext, type TodoPatch } from "./todoChanges.js";

export interface TodoServiceOptions {
  /** How many recent changes per user the change log keeps for catch-up (CHANGE_LOG_LIMIT, ≥ 1). */
  changeLogLimit: number;
  /** How many todos one user may have (TODOS_MAX_PER_USER); unlimited when left out. */
  todosMaxPerUser?: number;
  /** How fast one user may write (see writeLimit.ts); unlimited when left out. */
  writeLimit?: Pick<WriteLimit, "consume">;
  /** Todos per transaction of a bulk change (default BULK_CHUNK_SIZE; tests make it small). */
  bulkChunkSize?: number;
}

/**
 * The todos use cases: each commits one change through the storage's transaction, with the rules
 * of `todoChanges.ts`, then hands the committed events to the change feed. Nothing is published
 * for a write that changed nothing. Every write first counts against the user's write limit
 * (AppError `too_many_requests` above it), whether or not it turns out to change anything.
 */
export class TodoService {
  readonly #storage: TodoStorage;
  readonly #feed: ChangeFeed;
  readonly #limit: number;
  readonly #maxTodos: number;
  readonly #writeLimit: Pick<WriteLimit, "consume"> | undefined;
  readonly #chunkSize: number;

  constructor(storage: TodoStorage, feed: ChangeFeed, options: TodoServiceOptions) {
    // A user's newest change must always stay in the log (it is their seq on SQLite).
    if (!(options.changeLogLimit >= 1)) throw new RangeError(`changeLogLimit must be at least 1, not ${options.changeLogLimit}`);
    this.#storage = storage;
    this.#feed = feed;
    this.#limit = options.changeLogLimit;
    this.#maxTodos = options.todosMaxPerUser ?? Number.POSITIVE_INFINITY;
    this.#writeLimit = options.writeLimit;
    this.#chunkSize = options.bulkChunkSize ?? BULK_CHUNK_SIZE;
    if (!(this.#chunkSize >= 1)) throw new RangeError(`bulkChunkSize must be at least 1, not ${this.#chunkSize}`);
  }

  /** The list and the seq it is current at, from one snapshot: follow events after `seq`. */
  async list(userId: string): Promise<{ todos: Todo[]; seq: Seq }> {
    const { todos, seq } = await this.#storage.read(userId, { todos: true });
    return { todos: todos.map(toTodo), seq };
  }

  /**
   * `event: null` when the user already had a todo with this id (a retried create).
   * @throws AppError `limit_reached` when the user already has `todosMaxPerUser` todos
   */
  async create(userId: string, input: { id?: string | undefined; text: string; done?: boolean | undefined }, ctx: ChangeContext) {
    await this.#writeLimit?.consume(userId);
    const id = input.id ?? randomUUID();
    const decide = createTodo(userId, { id, text: input.text, done: input.done ?? false }, ctx, this.#limit, this.#maxTodos);
    const result = await this.#storage.change(userId, { ids: [id], count: true }, decide);
    this.#publish(result.event);
    return result;
  }

  /**
   * Null when the user has no such todo.
   * @throws AppError `conflict` when `baseVersion` is given and the todo is at another version
   */
  async update(userId: string, id: string, patch: TodoPatch, ctx: ChangeContext, baseVersion?: number) {
    await this.#writeLimit?.consume(userId);
    const result = await this.#storage.change(userId, { ids: [id] }, updateTodo(userId, id, patch, ctx, this.#limit, baseVersion));
    this.#publish(result?.event ?? null);
    return result;
  }

  /**
   * The delete's event; null when the user has no such todo.
   * @throws AppError `conflict` when `baseVersion` is given and the todo is at another version
   */
  async remove(userId: string, id: string, ctx: ChangeContext, baseVersion?: number): Promise<ChangeEvent | null> {
    await this.#writeLimit?.consume(userId);
    const event = await this.#storage.change(userId, { ids: [id] }, deleteTodo(userId, id, ctx, this.#limit, baseVersion));
    this.#publish(event);
    return event;
  }

  /**
   * Sets `done` on every todo that differs, a chunk of them per transaction (see bulkChange.ts):
   * `todos` are the todos it changed, after the change, in the order of their events; `seq` is
   * the user's seq after its last chunk.
   */
  async setAllDone(userId: string, done: boolean, ctx: ChangeContext): Promise<{ todos: Todo[]; events: ChangeEvent[]; seq: Seq }> {
    await this.#writeLimit?.consume(userId);
    const select = { done: !done, chunkSize: this.#chunkSize };
    const chunks = await changeInChunks(this.#storage, this.#published, userId, select, setAllDone(userId, done, ctx, this.#limit));
    return { todos: chunks.flatMap((c) => c.todos), events: chunks.flatMap((c) => c.events), seq: lastSeq(chunks) };
  }

  /** Deletes every done todo, a chunk of them per transaction (see bulkChange.ts). */
  async clearCompleted(userId: string, ctx: ChangeContext): Promise<{ deleted: TodoId[]; events: ChangeEvent[]; seq: Seq }> {
    await this.#writeLimit?.consume(userId);
    const select = { done: true, chunkSize: this.#chunkSize };
    const chunks = await changeInChunks(this.#storage, this.#published, userId, select, clearCompleted(userId, ctx, this.#limit));
    return { deleted: chunks.flatMap((c) => c.deleted), events: chunks.flatMap((c) => c.events), seq: lastSeq(chunks) };
  }

  /**
   * The change the store recorded as the user's `seq`, if it is among the newest `changeLogLimit`
   * (as for catch-up: entries past it may linger until the next trim). Reads the log from `seq`
   * on: a producer relays a change soon after it was made, so that is a few entries.
   */
  async storedChange(userId: string, seq: Seq): Promise<ChangeEvent | undefined> {
    const snapshot = await this.#storage.read(userId, { eventsAfter: seq - 1 });
    if (seq <= snapshot.seq - this.#limit) return undefined;
    return snapshot.events.find((event) => event.meta.seq === seq);
  }

  /** For a socket's catch-up (see sockets/catchUp.ts). */
  changesSince(userId: string, since: Seq): Promise<CatchUp> {
    return changesSince(this.#storage, userId, since, this.#limit);
  }

  #publish(event: ChangeEvent | null): void {
    if (event) this.#feed.publish([event]);
  }

  readonly #published = (events: readonly ChangeEvent[]): void => this.#feed.publish(events);
}

function lastSeq(chunks: readonly { seq: Seq }[]): Seq {
  const last = chunks.at(-1);
  if (last === undefined) throw new Error("a bulk change runs at least one chunk");
  return last.seq;
}
