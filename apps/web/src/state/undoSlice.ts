import type { TodoId } from "@tandem/protocol";
import type { StateCreator } from "zustand/vanilla";
import type { AppState } from "./appState";
import type { ListItem } from "./listItems";

/** How long the "Deleted … · Undo" notice offers its undo (paused while pointed at or focused). */
export const UNDO_WINDOW_MS = 10_000;

/** What the last destructive action took away, while it can still be undone. */
export interface Removal {
  /** Grows with each removal, so the notice restarts its countdown for a new one. */
  readonly id: number;
  /** "Deleted “buy milk”", "Cleared 3 completed todos". */
  readonly message: string;
  readonly todos: readonly { readonly id: TodoId; readonly text: string; readonly done: boolean }[];
}

export interface UndoSlice {
  /** The one removal that can be undone now: only the latest, as in a mail app's "Undo". */
  removal: Removal | null;
  /** A delete or clear-completed was made: offer to undo it. */
  removed(todos: readonly ListItem[], kind: "delete" | "clearCompleted"): void;
  /**
   * Adds the removed todos back with their text and done state, on every device (each is created
   * anew through the outbox). Todos that are still on the list (their delete failed and was
   * rolled back) are not added twice.
   */
  undoRemoval(): void;
  /** The notice timed out or was dismissed. Leaves a newer removal alone. */
  forgetRemoval(id: number): void;
}

export const createUndoSlice: StateCreator<AppState, [], [], UndoSlice> = (set, get) => {
  let nextId = 1;
  return {
    removal: null,
    removed: (todos, kind) =>
      set({
        removal: {
          id: nextId++,
          message: describeRemoval(todos, kind),
          todos: todos.map(({ id, text, done }) => ({ id, text, done })),
        },
      }),
    undoRemoval: () => {
      const { removal, todos, restoreTodos } = get();
      if (removal === null) return;
      set({ removal: null });
      const present = new Set(todos.map((todo) => todo.id));
      restoreTodos(removal.todos.filter((todo) => !present.has(todo.id)));
    },
    forgetRemoval: (id) => {
      if (get().removal?.id === id) set({ removal: null });
    },
  };
};

function describeRemoval(todos: readonly ListItem[], kind: "delete" | "clearCompleted"): string {
  const [only] = todos;
  if (todos.length === 1 && only) return `${kind === "delete" ? "Deleted" : "Cleared"} “${abbreviate(only.text)}”`;
  return `Cleared ${todos.length} completed todos`;
}

function abbreviate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
