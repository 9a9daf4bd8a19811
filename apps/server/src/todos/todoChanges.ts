import { deleteEvent, todoObject, upsertEvent } from "@tandem/protocol";
import type { ChangeEvent, ChangeOrigin, Seq, Todo } from "@tandem/protocol";
import { AppError } from "../errors.js";
import type { TodoChangeState, TodoRecord, TodoWrites } from "../store/TodoStorage.js";
import { trimThrough } from "./changeLog.js";

/**
 * The todo rules, written once for every storage adapter. Each function decides one change from
 * what the store read inside the change's transaction (`TodoChangeState`), and says what to write:
 *
 * - every change of a user takes that user's next seq (one more than the last, no gaps) and
 *   records one event, built by the protocol's builders;
 * - a patch that changes nothing is not a change: no new version, no seq, no event;
 * - a todo's `version` starts at 1 and grows by one per change; its `device` is the last writer's;
 * - a todo id is global (clients choose them): one that another user holds cannot be used, and a
 *   create repeated with an id the user already has is answered with the todo as it is;
 * - a user has at most `maxTodos` todos: a create beyond that is refused (a repeated one is not);
 * - an update or delete that names the version it was based on (`baseVersion`) is refused with
 *   `conflict` when the todo is at another version: it would overwrite a change its writer never
 *   saw. Without a base, the server's order decides (the later write wins).
 *
 * They are pure functions of their arguments, as `TodoStorage.change` requires.
 */

/** Who made a change, and when (injected in tests; the wall clock otherwise). */
export interface ChangeContext extends ChangeOrigin {
  now?: Date;
}

export interface TodoPatch {
  text?: string | undefined;
  done?: boolean | undefined;
}

export const toTodo: (record: TodoRecord) => Todo = todoObject;

function changeTime(ctx: ChangeContext): string {
  return (ctx.now ?? new Date()).toISOString();
}

/**
 * Needs the state's `count` (select with `count: true`).
 * @throws AppError `id_taken` when another user has a todo with `id`
 * @throws AppError `limit_reached` when the user already has `maxTodos` todos
 */
export function createTodo(userId: string, input: { id: string; text: string; done?: boolean }, ctx: ChangeContext, logLimit: number, maxTodos: number) {
  return (state: TodoChangeState): TodoWrites<{ todo: Todo; event: ChangeEvent | null }> => {
    const existing = state.todos.find((todo) => todo.id === input.id);
    if (existing !== undefined) {
      if (existing.userId !== userId) throw new AppError("id_taken", "this id cannot be used");
      return { result: { todo: toTodo(existing), event: null }, events: [] };
    }
    if (state.count === undefined) throw new Error("createTodo needs the user's todo count (select with count: true)");
    if (state.count >= maxTodos) {
      throw new AppError("limit_reached", `your list is full at ${maxTodos.toLocaleString("en-US")} todos; delete some to make room`);
    }
    const now = changeTime(ctx);
    const record: TodoRecord = { id: input.id, userId, text: input.text, done: input.done ?? false, createdAt: now, updatedAt: now, device: ctx.device, version: 1 };
    const seq = state.seq + 1;
    const todo = toTodo(record);
    const event = upsertEvent("create", todo, seq, ctx);
    return { result: { todo, event }, inserted: [{ todo: record, seq }], events: [event], trimThrough: trimThrough(state.seq, seq, logLimit) };
  };
}

/**
 * Null when the user has no such todo; `event: null` when the patch changes nothing.
 * @throws AppError `conflict` when `baseVersion` is given and the todo is at another version
 */
export function updateTodo(userId: string, id: string, patch: TodoPatch, ctx: ChangeContext, logLimit: number, baseVersion?: number) {
  return (state: TodoChangeState): TodoWrites<{ todo: Todo; event: ChangeEvent | null } | null> => {
    const current = ownTodo(state, userId, id);
    if (current === undefined) return { result: null, events: [] };
    checkBase(current, baseVersion);
    const text = patch.text ?? current.text;
    const done = patch.done ?? current.done;
    if (text === current.text && done === current.done) return { result: { todo: toTodo(current), event: null }, events: [] };
    const record = changed(current, { text, done }, ctx);
    const seq = state.seq + 1;
    const todo = toTodo(record);
    const event = upsertEvent("update", todo, seq, ctx);
    return { result: { todo, event }, updated: [record], events: [event], trimThrough: trimThrough(state.seq, seq, logLimit) };
  };
}

/**
 * Null when the user has no such todo.
 * @throws AppError `conflict` when `baseVersion` is given and the todo is at another version
 */
export function deleteTodo(userId: string, id: string, ctx: ChangeContext, logLimit: number, baseVersion?: number) {
  return (state: TodoChangeState): TodoWrites<ChangeEvent | null> => {
    const current = ownTodo(state, userId, id);
    if (current === undefined) return { result: null, events: [] };
    checkBase(current, baseVersion);
    const seq = state.seq + 1;
    const event = deleteEvent(userId, id, seq, ctx);
    return { result: event, deleted: [id], events: [event], trimThrough: trimThrough(state.seq, seq, logLimit) };
  };
}

/**
 * Sets `done` on every todo of the state that differs (a chunk of them, in list order; see
 * bulkChange.ts): one event each, in list order. `todos` are the todos it changed, after the change.
 */
export function setAllDone(userId: string, done: boolean, ctx: ChangeContext, logLimit: number) {
  return (state: TodoChangeState): TodoWrites<{ todos: Todo[]; events: ChangeEvent[]; seq: Seq }> => {
    const records = state.todos.filter((todo) => todo.userId === userId && todo.done !== done).map((todo) => changed(todo, { text: todo.text, done }, ctx));
    const todos = records.map(toTodo);
    const events = todos.map((todo, i) => upsertEvent("update", todo, state.seq + 1 + i, ctx));
    const seq = state.seq + events.length;
    return { result: { todos, events, seq }, updated: records, events, trimThrough: trimThrough(state.seq, seq, logLimit) };
  };
}

/** Deletes every done todo of the state (a chunk of them, in list order; see bulkChange.ts): one event each. */
export function clearCompleted(userId: string, ctx: ChangeContext, logLimit: number) {
  return (state: TodoChangeState): TodoWrites<{ deleted: string[]; events: ChangeEvent[]; seq: Seq }> => {
    const deleted = state.todos.filter((todo) => todo.userId === userId && todo.done).map((todo) => todo.id);
    const events = deleted.map((id, i) => deleteEvent(userId, id, state.seq + 1 + i, ctx));
    const seq = state.seq + events.length;
    return { result: { deleted, events, seq }, deleted, events, trimThrough: trimThrough(state.seq, seq, logLimit) };
  };
}

function checkBase(current: TodoRecord, baseVersion: number | undefined): void {
  if (baseVersion === undefined || baseVersion === current.version) return;
  throw new AppError("conflict", `this todo was changed since version ${baseVersion}: it is at version ${current.version} now`, {
    current: toTodo(current),
  });
}

/** The user's own todo with this id; another user's is simply not found. */
function ownTodo(state: TodoChangeState, userId: string, id: string): TodoRecord | undefined {
  return state.todos.find((todo) => todo.id === id && todo.userId === userId);
}

function changed(todo: TodoRecord, next: { text: string; done: boolean }, ctx: ChangeContext): TodoRecord {
  return { ...todo, text: next.text, done: next.done, updatedAt: changeTime(ctx), device: ctx.device, version: todo.version + 1 };
}
