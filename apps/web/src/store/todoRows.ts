import type { TodoId } from "@tandem/protocol";
import { sortedTodos, type ConfirmedTodos } from "./confirmedTodos";
import type { PendingWrite } from "./pendingWrite";

/** One line of the list as the user sees it. */
export interface TodoRow {
  readonly id: TodoId;
  readonly text: string;
  readonly done: boolean;
  /** A write touching this todo has not been confirmed yet. */
  readonly pending: boolean;
}

/**
 * What the list shows: the confirmed todos with the pending writes replayed over them in
 * order. Optimistic changes therefore appear at once, and dropping a failed write rolls back
 * exactly that change while keeping everything that happened around it.
 *
 * Rows equal to one in `previous` are reused, so memoised list items skip re-rendering when a
 * socket event changes some other todo.
 */
export function buildRows(
  confirmed: ConfirmedTodos,
  pending: readonly PendingWrite[],
  previous: readonly TodoRow[] = [],
): TodoRow[] {
  let rows: TodoRow[] = sortedTodos(confirmed).map(({ id, text, done }) => ({ id, text, done, pending: false }));

  for (const write of pending) {
    switch (write.kind) {
      case "create":
        // New todos go last even if the local clock disagrees with the server's: they are the
        // newest, and the server's createdAt will put them last once confirmed too.
        if (confirmed.deleted[write.id]) break;
        if (rows.some((row) => row.id === write.id)) {
          rows = rows.map((row) => (row.id === write.id ? { ...row, pending: true } : row));
        } else {
          rows.push({ id: write.id, text: write.text, done: false, pending: true });
        }
        break;
      case "update":
        rows = rows.map((row) => (row.id === write.id ? { ...row, ...definedFields(write.patch), pending: true } : row));
        break;
      case "delete":
        rows = rows.filter((row) => row.id !== write.id);
        break;
      case "toggleAll":
        rows = rows.map((row) => (row.done === write.done ? row : { ...row, done: write.done, pending: true }));
        break;
      case "clearCompleted":
        rows = rows.filter((row) => !row.done);
        break;
    }
  }

  const before = new Map(previous.map((row) => [row.id, row]));
  return rows.map((row) => {
    const old = before.get(row.id);
    return old && old.text === row.text && old.done === row.done && old.pending === row.pending ? old : row;
  });
}

function definedFields(patch: { text?: string | undefined; done?: boolean | undefined }): { text?: string; done?: boolean } {
  const fields: { text?: string; done?: boolean } = {};
  if (patch.text !== undefined) fields.text = patch.text;
  if (patch.done !== undefined) fields.done = patch.done;
  return fields;
}
