import { TodoText, type RelayedChangeEvent, type Todo, type TodoId } from "@tandem/protocol";
import type { StateCreator } from "zustand/vanilla";
import { randomId } from "../randomId";
import type { AppState } from "./appState";
import {
  deleteTodos,
  EMPTY_CONFIRMED,
  replaceWithSnapshot,
  upsertTodos,
  type ConfirmedTodos,
} from "./confirmedTodos";
import { describeWrite, writeTarget, type PendingWrite, type WriteResult } from "./pendingWrite";
import { buildListItems, type ListItem } from "./listItems";

export interface TodosSlice {
  /** What the server has confirmed (see confirmedTodos.ts). */
  confirmed: ConfirmedTodos;
  /** The outbox: writes not yet confirmed, oldest first, sent in this order. */
  pending: readonly PendingWrite[];
  /** What the list shows: `confirmed` with `pending` laid over it. */
  todos: readonly ListItem[];
  /** A first snapshot has arrived since sign-in. */
  todosLoaded: boolean;

  // ---- from the server
  loadSnapshot(todos: readonly Todo[], mark: number): void;
  applyChange(event: RelayedChangeEvent): void;
  writeSucceeded(writeId: string, result: WriteResult): void;
  /** Rolls the write back and tells the user why. */
  writeFailed(writeId: string, reason: string): void;

  // ---- from the user: each one shows at once and queues a write
  addTodo(text: string): boolean;
  editTodo(id: TodoId, text: string): void;
  toggleTodo(id: TodoId, done: boolean): void;
  deleteTodo(id: TodoId): void;
  toggleAll(done: boolean): void;
  clearCompleted(): void;
  /** Adds these todos back, as new todos with their text and state (an undo; see undoSlice.ts). */
  restoreTodos(todos: readonly { text: string; done: boolean }[]): void;

  /** Forgets everything (sign-out): the next user must never see this user's list. */
  resetTodos(): void;
}

export const createTodosSlice: StateCreator<AppState, [], [], TodosSlice> = (set, get) => {
  /** The one way the list changes, so `todos` can never drift from its two sources. */
  function commit(confirmed: ConfirmedTodos, pending: readonly PendingWrite[], extra: Partial<TodosSlice> = {}) {
    const state = get();
    if (confirmed === state.confirmed && pending === state.pending && Object.keys(extra).length === 0) return;
    set({ ...extra, confirmed, pending, todos: buildListItems(confirmed, pending, state.todos) });
  }

  function enqueue(write: PendingWrite) {
    commit(get().confirmed, [...get().pending, write]);
  }

  /** Checks text against the wire's own rule, telling the user when it is refused. */
  function validText(text: string): string | null {
    const parsed = TodoText.safeParse(text);
    if (parsed.success) return parsed.data;
    get().notify(parsed.error.issues[0]?.message ?? "That text can't be saved.");
    return null;
  }

  return {
    confirmed: EMPTY_CONFIRMED,
    pending: [],
    todos: [],
    todosLoaded: false,

    loadSnapshot: (todos, mark) =>
      commit(replaceWithSnapshot(get().confirmed, todos, mark), get().pending, { todosLoaded: true }),

    applyChange: (event) => {
      const { confirmed, pending } = get();
      if (event.meta.eventName === "delete") commit(deleteTodos(confirmed, [event.object.id]), pending);
      else if ("version" in event.object) commit(upsertTodos(confirmed, [event.object]), pending);
    },

    writeSucceeded: (writeId, result) => {
      const { confirmed, pending } = get();
      // Unknown after a sign-out reset: the answer belongs to a list that is gone.
      if (!pending.some((write) => write.writeId === writeId)) return;
      const next =
        result.kind === "saved" ? upsertTodos(confirmed, result.todos) : deleteTodos(confirmed, result.ids);
      commit(
        next,
        pending.filter((write) => write.writeId !== writeId),
      );
    },

    writeFailed: (writeId, reason) => {
      const { confirmed, pending, notify } = get();
      const failed = pending.find((write) => write.writeId === writeId);
      if (!failed) return;
      // Later edits of a todo whose creation failed can only fail too: drop them with it.
      const orphan = failed.kind === "create" ? failed.id : null;
      commit(
        confirmed,
        pending.filter((write) => write !== failed && (orphan === null || writeTarget(write) !== orphan)),
      );
      notify(`Couldn't ${describeWrite(failed)}: ${reason}`);
    },

    addTodo: (text) => {
      const valid = validText(text);
      if (valid === null) return false;
      enqueue({ kind: "create", writeId: randomId(), id: randomId(), text: valid });
      return true;
    },

    editTodo: (id, text) => {
      const item = get().todos.find((todo) => todo.id === id);
      if (!item) return;
      if (text.trim() === "") {
        get().deleteTodo(id);
        return;
      }
      const valid = validText(text);
      if (valid === null || valid === item.text) return;
      enqueue({ kind: "update", writeId: randomId(), id, patch: { text: valid } });
    },

    toggleTodo: (id, done) => {
      const item = get().todos.find((todo) => todo.id === id);
      if (!item || item.done === done) return;
      enqueue({ kind: "update", writeId: randomId(), id, patch: { done } });
    },

    deleteTodo: (id) => {
      const item = get().todos.find((todo) => todo.id === id);
      if (!item) return;
      enqueue({ kind: "delete", writeId: randomId(), id });
      get().removed([item], "delete");
    },

    toggleAll: (done) => {
      if (get().todos.every((todo) => todo.done === done)) return;
      enqueue({ kind: "toggleAll", writeId: randomId(), done });
    },

    clearCompleted: () => {
      const done = get().todos.filter((todo) => todo.done);
      if (done.length === 0) return;
      enqueue({ kind: "clearCompleted", writeId: randomId() });
      get().removed(done, "clearCompleted");
    },

    restoreTodos: (todos) => {
      // New ids: a deleted id is never revived (every device keeps it as deleted for good).
      const writes = todos.map((todo): PendingWrite => ({ kind: "create", writeId: randomId(), id: randomId(), text: todo.text, done: todo.done }));
      if (writes.length > 0) commit(get().confirmed, [...get().pending, ...writes]);
    },

    resetTodos: () => set({ confirmed: EMPTY_CONFIRMED, pending: [], todos: [], todosLoaded: false, removal: null }),
  };
};
