import { randomUUID } from "node:crypto";
import { afterEach, beforeEach } from "vitest";
import type { ChangeEvent, Seq, User } from "@tandem/protocol";
import { ChangeFeed } from "../../todos/ChangeFeed.js";
import { TodoService, type TodoServiceOptions } from "../../todos/TodoService.js";
import type { ChangeContext } from "../../todos/todoChanges.js";
import type { Store } from "../Store.js";

/**
 * Opens the adapter under test, already `init()`ed. Every call opens the SAME database (file,
 * or MongoDB database), so closing one store and making another shows what persisted.
 */
export type MakeStore = () => Promise<Store>;

const CHANGE_LOG_LIMIT = 1000;

/**
 * What every part of the contract suite works with: a fresh store (and the todo rules on it) per
 * test, closed after it, and small helpers. Tests share one database, so each works with users
 * of its own (random emails) and never assumes the database is empty.
 */
export class ContractHarness {
  readonly DEVICE_A = "device-aaaa";
  readonly DEVICE_B = "device-bbbb";
  #store: Store | undefined;
  #todos: TodoService | undefined;
  readonly #opened: Store[] = [];
  #clock = Date.parse("2026-01-01T00:00:00.000Z");

  constructor(private readonly make: MakeStore) {
    beforeEach(async () => {
      this.#store = await this.open();
      this.#todos = this.todosOf(this.#store);
    });
    afterEach(async () => {
      for (const s of this.#opened.splice(0)) await s.close();
    });
  }

  get store(): Store {
    if (this.#store === undefined) throw new Error("the store is opened before each test");
    return this.#store;
  }

  /** The todo rules on this test's store. */
  get todos(): TodoService {
    if (this.#todos === undefined) throw new Error("the store is opened before each test");
    return this.#todos;
  }

  readonly open = async (): Promise<Store> => {
    const s = await this.make();
    this.#opened.push(s);
    return s;
  };

  /** The todo rules on a store's storage, publishing to a feed nobody listens to (or to `feed`). */
  readonly todosOf = (s: Store, options: Partial<TodoServiceOptions> = {}, feed = new ChangeFeed(() => {})): TodoService =>
    new TodoService(s.todos, feed, { changeLogLimit: CHANGE_LOG_LIMIT, ...options });

  /** A change context with its own clock, one millisecond after the previous one. */
  readonly ctx = (device: string | null = this.DEVICE_A, now = new Date(this.#clock++)): ChangeContext => ({
    device,
    requestId: `req-${randomUUID()}`,
    now,
  });

  readonly newUser = (s: Store = this.store): Promise<User> =>
    s.users.create({ email: `${randomUUID()}@example.com`, passwordHash: "$2b$04$hash" });

  readonly seqsOf = (events: ChangeEvent[]): Seq[] => events.map((e) => e.meta.seq);

  readonly range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
