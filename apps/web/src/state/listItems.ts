import type { TodoId } from "@tandem/protocol";
import { sortedTodos, type ConfirmedTodos } from "./confirmedTodos";
import type { PendingWrite } from "./pendingWrite";

/** One line of the list as the user sees it. */
export interface ListItem {
  readonly id: TodoId;
  readonly text: string;
  readonly done: boolean;
  /** A write touching this todo has not been confirmed yet. */
  readonly pending: boolean;
  /** The version the server confirmed; null while its create is still queued. */
  readonly version: number | null;
}

/**
 * What the list shows: the confirmed todos with the pending writes replayed over them in
 * order. Optimistic changes therefore appear at once, and dropping a failed write rolls back
 * exactly that change while keeping everything that happened around it.
 *
 * Items equal to one in `previous` are reused, so memoised list items skip re-rendering when a
 * socket event changes some other todo.
 */
export function buildListItems(
  confirmed: ConfirmedTodos,
  pending: readonly PendingWrite[],
  previous: readonly ListItem[] = [],
): ListItem[] {
  let items: ListItem[] = sortedTodos(confirmed).map(({ id, text, done, version }) => ({ id, text, done, pending: false, version }));

  for (const write of pending) {
    switch (write.kind) {
      case "create":
        // New todos go last even if the local clock disagrees with the server's: they are the
        // newest, and the server's createdAt will put them last once confirmed too.
        if (confirmed.deleted[write.id]) break;
        if (items.some((item) => item.id === write.id)) {
          items = items.map((item) => (item.id === write.id ? { ...item, pending: true } : item));
        } else {
          items.push({ id: write.id, text: write.text, done: write.done ?? false, pending: true, version: null });
        }
        break;
      case "update":
        items = items.map((item) => (item.id === write.id ? { ...item, ...definedFields(write.patch), pending: true } : item));
        break;
      case "delete":
        items = items.filter((item) => item.id !== write.id);
        break;
      case "toggleAll":
        items = items.map((item) => (item.done === write.done ? item : { ...item, done: write.done, pending: true }));
        break;
      case "clearCompleted":
        items = items.filter((item) => !item.done);
        break;
    }
  }

  const before = new Map(previous.map((item) => [item.id, item]));
  return items.map((item) => {
    const old = before.get(item.id);
    return old && old.text === item.text && old.done === item.done && old.pending === item.pending && old.version === item.version ? old : item;
  });
}

function definedFields(patch: { text?: string | undefined; done?: boolean | undefined }): { text?: string; done?: boolean } {
  const fields: { text?: string; done?: boolean } = {};
  if (patch.text !== undefined) fields.text = patch.text;
  if (patch.done !== undefined) fields.done = patch.done;
  return fields;
}
