import { randomUUID } from "node:crypto";
import type { ChangeEvent, Todo } from "@tandem/protocol";
import type { ChangeContext, Store } from "../store/Store.js";
import type { ChangeFeed } from "./ChangeFeed.js";

/**
 * The todos use cases: each asks the store to commit a change together with its event, then hands
 * the committed events to the change feed. Nothing is published for a write that changed nothing.
 */
export class TodoService {
  constructor(
    private readonly store: Store,
    private readonly feed: ChangeFeed,
  ) {}

  list(userId: string) {
    return this.store.listTodos(userId);
  }

  async create(userId: string, input: { id?: string | undefined; text: string }, ctx: ChangeContext) {
    const result = await this.store.createTodo(userId, { id: input.id ?? randomUUID(), text: input.text }, ctx);
    this.publish(result.event);
    return { todo: result.todo, created: result.event !== null };
  }

  async update(userId: string, id: string, patch: { text?: string | undefined; done?: boolean | undefined }, ctx: ChangeContext): Promise<Todo | null> {
    const result = await this.store.updateTodo(userId, id, patch, ctx);
    if (!result) return null;
    this.publish(result.event);
    return result.todo;
  }

  async remove(userId: string, id: string, ctx: ChangeContext): Promise<boolean> {
    const event = await this.store.deleteTodo(userId, id, ctx);
    this.publish(event);
    return event !== null;
  }

  async setAllDone(userId: string, done: boolean, ctx: ChangeContext) {
    const { todos, events, seq } = await this.store.setAllDone(userId, done, ctx);
    this.feed.publish(events);
    return { todos, seq };
  }

  async clearCompleted(userId: string, ctx: ChangeContext) {
    const { deleted, events, seq } = await this.store.deleteDone(userId, ctx);
    this.feed.publish(events);
    return { deleted, seq };
  }

  private publish(event: ChangeEvent | null): void {
    if (event) this.feed.publish([event]);
  }
}
