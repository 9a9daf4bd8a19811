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
import { describeWrite, rebaseWrites, type FailedWrite, type PendingWrite, type WriteFailure, type WriteResult } from "./pendingWrite";
import type { StoredWrite } from "../sync/outboxStore";
import { buildListItems, type ListItem } from "./listItems";

export interface TodosSlice {
  /** What the server has confirmed (see confirmedTodos.ts). */
  confirmed: ConfirmedTodos;
  /** The outbox: writes not yet confirmed, oldest first, sent in this order. */
  pending: readonly PendingWrite[];
  /** What the list shows: `confirmed` with `pending` laid over it. */
  todos: readonly ListItem[];
  /** Writes handed to the recorder and not yet stored (so not yet shown): for a moment, a millisecond. */
  recording: number;
  /** Writes the server refused for good, kept until the person retries or discards them. */
  failed: readonly FailedWrite[];
  /** A first list (a snapshot, or the one kept in this browser) has been shown since sign-in. */
  todosLoaded: boolean;
  /** The list shown is the one kept in this browser, not yet brought up to date by the server. */
  fromCache: boolean;
  /**
   * Where user actions hand their writes: the durable outbox records each one in the browser's
   * storage, then shows it (`enqueued`). Without one (unit tests), writes are only shown.
   */
  writeRecorder: ((write: PendingWrite) => void) | null;

  // ---- from the server
  loadSnapshot(todos: readonly Todo[], mark: number): void;
  /** Shows the list kept in this browser at start-up, before the server has been heard. */
  loadCached(todos: readonly Todo[]): void;
  applyChange(event: RelayedChangeEvent): void;
  writeSucceeded(writeId: string, result: WriteResult): void;
  /** Rolls the write back, keeps it among the failed ones and tells the user why. */
  writeFailed(write: PendingWrite, failure: WriteFailure): void;

  // ---- from the outbox
  setWriteRecorder(recorder: ((write: PendingWrite) => void) | null): void;
  /** A write is being stored: counted in `recording` until `enqueued(write, true)` shows it. */
  recordingStarted(): void;
  /** Shows a new write on top of the list (`stored`: one `recordingStarted` counted). */
  enqueued(write: PendingWrite, stored?: boolean): void;
  /** The outbox as it is stored (another tab changed it, or this one started). */
  outboxLoaded(entries: readonly StoredWrite[]): void;

  // ---- from the user: each one queues a write, shown once it is recorded
  addTodo(text: string): boolean;
  /**
   * `baseVersion`: the version the person started editing (the item's version when left out):
   * the server refuses the edit as a conflict if the todo changed elsewhere since.
   */
  editTodo(id: TodoId, text: string, baseVersion?: number | null): void;
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
    const recorder = get().writeRecorder;
    if (recorder) recorder(write);
    else get().enqueued(write);
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
    failed: [],
    recording: 0,
    todos: [],
    todosLoaded: false,
    fromCache: false,
    writeRecorder: null,

    loadSnapshot: (todos, mark) =>
      commit(replaceWithSnapshot(get().confirmed, todos, mark), get().pending, { todosLoaded: true, fromCache: false }),

    loadCached: (todos) => {
      if (get().todosLoaded) return;
      commit(upsertTodos(EMPTY_CONFIRMED, todos), get().pending, { todosLoaded: true, fromCache: true });
    },

    setWriteRecorder: (writeRecorder) => set({ writeRecorder }),

    recordingStarted: () => set({ recording: get().recording + 1 }),

    enqueued: (write, stored = false) =>
      commit(get().confirmed, [...get().pending, write], stored ? { recording: Math.max(0, get().recording - 1) } : {}),

    outboxLoaded: (entries) => {
      const pending = entries.filter((entry) => entry.failure === null).map((entry) => entry.write);
      const failed = entries.flatMap((entry) => (entry.failure === null ? [] : [{ write: entry.write, failure: entry.failure }]));
      const same = pending.length === get().pending.length && pending.every((write, i) => sameWrite(write, get().pending[i]));
      commit(get().confirmed, same ? get().pending : pending, { failed });
    },

    applyChange: (event) => {
      const { confirmed, pending } = get();
      if (event.meta.eventName === "delete") commit(deleteTodos(confirmed, [event.object.id]), pending);
      else if ("version" in event.object) commit(upsertTodos(confirmed, [event.object]), pending);
    },

    writeSucceeded: (writeId, result) => {
      // Also for a write this tab never showed (another tab's, acknowledged before this one read
      // the store): the answer is the server's todo either way. The outbox stops delivering
      // answers once signed out, so a list that is gone is never written to.
      const { confirmed, pending } = get();
      const next =
        result.kind === "saved" ? upsertTodos(confirmed, result.todos) : deleteTodos(confirmed, result.ids);
      commit(
        next,
        rebaseWrites(
          pending.filter((write) => write.writeId !== writeId),
          result,
        ),
      );
    },

    writeFailed: (write, failure) => {
      const { confirmed, pending, failed, notify } = get();
      // Later writes of a todo whose create failed stay queued behind it (see outboxStore.ts).
      commit(
        confirmed,
        pending.filter((w) => w.writeId !== write.writeId),
        { failed: [...failed.filter((f) => f.write.writeId !== write.writeId), { write, failure }] },
      );
      notify(`Couldn't ${describeWrite(write)}: ${failure.reason}`);
    },

    addTodo: (text) => {
      const valid = validText(text);
      if (valid === null) return false;
      enqueue({ kind: "create", writeId: randomId(), id: randomId(), text: valid });
      return true;
    },

    editTodo: (id, text, baseVersion) => {
      const item = get().todos.find((todo) => todo.id === id);
      if (!item) return;
      if (text.trim() === "") {
        get().deleteTodo(id);
        return;
      }
      const valid = validText(text);
      if (valid === null || valid === item.text) return;
      enqueue({ kind: "update", writeId: randomId(), id, patch: { text: valid }, baseVersion: baseVersion === undefined ? item.version : baseVersion });
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
      // Through the outbox like any other write, so they are kept and sent.
      for (const write of writes) enqueue(write);
    },

    resetTodos: () => set({ confirmed: EMPTY_CONFIRMED, pending: [], failed: [], recording: 0, todos: [], todosLoaded: false, fromCache: false, removal: null }),
  };
};

function sameWrite(a: PendingWrite, b: PendingWrite | undefined): boolean {
  return b !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
