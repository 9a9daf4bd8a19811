import type { Seq } from "@tandem/protocol";
import { checkWrites } from "../checkWrites.js";
import type { TodoChangeState, TodoQuery, TodoRecord, TodoSelection, TodoSnapshot, TodoStorage, TodoWrites } from "../TodoStorage.js";
import { fromLogEntry, toLogEntry } from "./changeLogEntry.js";
import type { SqliteConnection } from "./connection.js";
import type { GroupCommit } from "./groupCommit.js";
import { readListInPages } from "./listInPages.js";
import { toTodoRecord, type Statements } from "./statements.js";

/**
 * Todos and the change log on SQLite. A change runs inside the next group commit, so its read,
 * its decision and its writes happen in one transaction that nothing else in this process can
 * interleave with. A user's seq is the newest seq of their change log (see schema migration 3),
 * so the log must never be trimmed empty: a trim that would drop the newest entry is a bug.
 */
export class SqliteTodoStorage implements TodoStorage {
  readonly #connection: SqliteConnection;
  readonly #commits: GroupCommit;

  constructor(connection: SqliteConnection, commits: GroupCommit) {
    this.#connection = connection;
    this.#commits = commits;
  }

  async read(userId: string, query: TodoQuery): Promise<TodoSnapshot> {
    // A long list is read a page per turn (see listInPages.ts); one that keeps changing meanwhile, at once.
    if (query.todos) {
      const paged = await readListInPages(this.#connection, userId, query.eventsAfter);
      if (paged !== null) return paged;
    }
    return this.#connection.read(() => {
      const s = this.#connection.statements;
      const seq = s.userSeq.get(userId) ?? 0;
      const todos = query.todos ? s.todosOf.all(userId).map(toTodoRecord) : [];
      const events =
        query.eventsAfter === undefined || query.eventsAfter >= seq
          ? []
          : s.eventsAfter.all(userId, query.eventsAfter).map((row) => fromLogEntry(userId, row.seq, row.entry));
      return { seq, todos, events };
    });
  }

  async change<T>(userId: string, select: TodoSelection, decide: (state: TodoChangeState) => TodoWrites<T>): Promise<T> {
    return this.#commits.write(() => {
      const s = this.#connection.statements;
      const seq = s.userSeq.get(userId) ?? 0;
      const todos = selected(s, userId, select);
      const webhooks = s.enabledWebhooksOf.all(userId);
      const writes = decide(select.count ? { seq, todos, webhooks, count: s.todoCount.get(userId) ?? 0 } : { seq, todos, webhooks });
      apply(s, userId, seq, writes);
      return writes.result;
    });
  }
}

function selected(s: Statements, userId: string, select: TodoSelection): TodoRecord[] {
  if ("done" in select) return s.todosByDone.all(userId, select.done ? 1 : 0, select.limit ?? -1).map(toTodoRecord);
  const rows: TodoRecord[] = [];
  for (const id of select.ids) {
    const row = s.todoById.get(id);
    if (row !== undefined) rows.push(toTodoRecord(row));
  }
  return rows;
}

function apply(s: Statements, userId: string, seq: Seq, writes: TodoWrites<unknown>): void {
  if (checkWrites(userId, seq, writes) === undefined) return;
  for (const { todo, seq: createdSeq } of writes.inserted ?? []) {
    s.insertTodo.run(todo.id, userId, todo.text, todo.done ? 1 : 0, todo.createdAt, todo.updatedAt, todo.device, todo.version, createdSeq);
  }
  for (const todo of writes.updated ?? []) {
    const { changes } = s.updateTodo.run(todo.text, todo.done ? 1 : 0, todo.updatedAt, todo.device, todo.version, todo.id, userId);
    if (changes !== 1) throw new Error(`todo ${todo.id} vanished inside its transaction`);
  }
  for (const id of writes.deleted ?? []) {
    if (s.deleteTodo.run(id, userId).changes !== 1) throw new Error(`todo ${id} vanished inside its transaction`);
  }
  for (const event of writes.events) s.insertEvent.run(userId, event.meta.seq, toLogEntry(event));
  if (writes.trimThrough !== undefined) s.trimEvents.run(userId, writes.trimThrough);
  const deliveries = writes.deliveries ?? [];
  if (deliveries.length === 0) return;
  const now = Date.now();
  for (const { endpointId, seq: eventSeq, body } of deliveries) {
    s.insertOutbox.run(endpointId, eventSeq, body);
    s.markWebhookDue.run(now, endpointId, userId);
  }
}
