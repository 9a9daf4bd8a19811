import type { Todo, TodoId, UpdateTodoBody } from "@tandem/protocol";

/**
 * A change the user made that the server has not confirmed yet: one entry of the outbox.
 * The list on screen is the confirmed todos with every pending write laid over them, so
 * rolling a failed write back is simply dropping it (see listItems.ts).
 */
export type PendingWrite =
  | { kind: "create"; writeId: string; id: TodoId; text: string; done?: boolean }
  | { kind: "update"; writeId: string; id: TodoId; patch: UpdateTodoBody }
  | { kind: "delete"; writeId: string; id: TodoId }
  | { kind: "toggleAll"; writeId: string; done: boolean }
  | { kind: "clearCompleted"; writeId: string };

/** What the server answered to a write, reduced to what the list needs to reconcile. */
export type WriteResult =
  | { kind: "saved"; todos: readonly Todo[] }
  | { kind: "deleted"; ids: readonly TodoId[] };

/** The id of the todo a write is about, when it is about one. */
export function writeTarget(write: PendingWrite): TodoId | null {
  return write.kind === "create" || write.kind === "update" || write.kind === "delete" ? write.id : null;
}

/** Names a write for an error message: "Couldn't <describe>: <server's reason>". */
export function describeWrite(write: PendingWrite): string {
  switch (write.kind) {
    case "create":
      return `add “${abbreviate(write.text)}”`;
    case "update":
      if (write.patch.text !== undefined) return `rename a todo to “${abbreviate(write.patch.text)}”`;
      return write.patch.done ? "mark a todo as complete" : "mark a todo as active";
    case "delete":
      return "delete a todo";
    case "toggleAll":
      return write.done ? "mark all todos as complete" : "mark all todos as active";
    case "clearCompleted":
      return "clear completed todos";
  }
}

function abbreviate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
