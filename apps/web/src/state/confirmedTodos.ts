import type { Todo, TodoId } from "@tandem/protocol";

/**
 * The client's copy of what the server has confirmed, fed by HTTP answers, socket events and
 * snapshots. Those three arrive in any order, so every merge is decided by the todo's
 * `version` (it grows by one with each change) and never by arrival time.
 */
export interface ConfirmedTodos {
  readonly byId: Readonly<Record<TodoId, Todo>>;
  /**
   * Ids known to be deleted. Deletes are final (the server never reuses an id), so a late
   * upsert — a slow HTTP answer, a replayed event, a stale snapshot — must not revive one.
   */
  readonly deleted: Readonly<Record<TodoId, true>>;
  /** The revision at which each todo was last written here; see `replaceWithSnapshot`. */
  readonly touched: Readonly<Record<TodoId, number>>;
  /** Grows by one with every change to this copy. */
  readonly revision: number;
}

export const EMPTY_CONFIRMED: ConfirmedTodos = { byId: {}, deleted: {}, touched: {}, revision: 0 };

/** Applies todos whose version is newer than the one held. Returns `copy` itself if none is. */
export function upsertTodos(copy: ConfirmedTodos, todos: readonly Todo[]): ConfirmedTodos {
  const newer = todos.filter((todo) => !copy.deleted[todo.id] && (copy.byId[todo.id]?.version ?? 0) < todo.version);
  if (newer.length === 0) return copy;
  const revision = copy.revision + 1;
  const byId = { ...copy.byId };
  const touched = { ...copy.touched };
  for (const todo of newer) {
    // A todo listed twice in one batch keeps its highest version.
    if ((byId[todo.id]?.version ?? 0) >= todo.version) continue;
    byId[todo.id] = todo;
    touched[todo.id] = revision;
  }
  return { byId, deleted: copy.deleted, touched, revision };
}

/** Removes todos for good. Returns `copy` itself if every id was already known deleted. */
export function deleteTodos(copy: ConfirmedTodos, ids: readonly TodoId[]): ConfirmedTodos {
  const fresh = ids.filter((id) => !copy.deleted[id]);
  if (fresh.length === 0) return copy;
  const byId = { ...copy.byId };
  const deleted = { ...copy.deleted };
  const touched = { ...copy.touched };
  for (const id of fresh) {
    delete byId[id];
    delete touched[id];
    deleted[id] = true;
  }
  return { byId, deleted, touched, revision: copy.revision + 1 };
}

/**
 * Adopts a full list from `GET /api/todos`. `mark` is the revision read just before the request
 * left: the snapshot may predate anything written here after that moment (an HTTP answer that
 * overtook it), so such todos are kept even when the snapshot lacks them, while todos known
 * before the request and missing from the snapshot were deleted meanwhile and are dropped.
 */
export function replaceWithSnapshot(copy: ConfirmedTodos, todos: readonly Todo[], mark: number): ConfirmedTodos {
  const revision = copy.revision + 1;
  const byId: Record<TodoId, Todo> = {};
  const touched: Record<TodoId, number> = {};
  const deleted = { ...copy.deleted };
  for (const todo of todos) {
    if (deleted[todo.id]) continue;
    const held = copy.byId[todo.id];
    const keepHeld = held !== undefined && held.version >= todo.version;
    byId[todo.id] = keepHeld ? held : todo;
    touched[todo.id] = keepHeld ? (copy.touched[todo.id] ?? revision) : revision;
  }
  for (const [id, held] of Object.entries(copy.byId)) {
    if (byId[id]) continue;
    const touchedAt = copy.touched[id] ?? 0;
    if (touchedAt > mark) {
      byId[id] = held;
      touched[id] = touchedAt;
    } else {
      deleted[id] = true;
    }
  }
  return { byId, deleted, touched, revision };
}

/** Oldest first, as the server lists them; ties (same millisecond) broken by id for stability. */
export function sortedTodos(copy: ConfirmedTodos): Todo[] {
  return Object.values(copy.byId).sort(
    (a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
