import type { ErrorCode, Todo, TodoId, UpdateTodoBody } from "@tandem/protocol";

/**
 * A change the user made that the server has not confirmed yet: one entry of the outbox.
 * The list on screen is the confirmed todos with every pending write laid over them, so
 * rolling a failed write back is simply dropping it (see listItems.ts).
 *
 * `writeId` is also the write's `Idempotency-Key`: however often it is sent, the server applies
 * it once. A text edit carries `baseVersion`, the version of the todo the person edited (null
 * while the todo's own create is still queued), sent as `If-Match` so that it never silently
 * overwrites a change made elsewhere meanwhile (see docs/protocol.md, section 7).
 */
export type PendingWrite =
  | { kind: "create"; writeId: string; id: TodoId; text: string; done?: boolean }
  | { kind: "update"; writeId: string; id: TodoId; patch: UpdateTodoBody; baseVersion?: number | null }
  | { kind: "delete"; writeId: string; id: TodoId }
  | { kind: "toggleAll"; writeId: string; done: boolean }
  | { kind: "clearCompleted"; writeId: string };

/** What the server answered to a write, reduced to what the list needs to reconcile. */
export type WriteResult =
  | { kind: "saved"; todos: readonly Todo[] }
  | { kind: "deleted"; ids: readonly TodoId[] };

/** A write the server refused for good (a 4xx): kept, shown, and retried or discarded by the person. */
export interface WriteFailure {
  readonly code: ErrorCode;
  readonly reason: string;
  /** On `conflict`: the todo as the server has it now. */
  readonly current?: Todo;
}

export interface FailedWrite {
  readonly write: PendingWrite;
  readonly failure: WriteFailure;
}

/**
 * After the server acknowledged a write, the later queued edits of the same todos are based on
 * the version it produced, when that write is all that came between: the person made them after
 * it, so their own writes never conflict with each other. A version that skipped one (another
 * device changed the todo in between) leaves the edit on its base, so the server still refuses
 * it as a conflict rather than overwrite that change. Returns `writes` itself when nothing changes.
 */
export function rebaseWrites<W extends PendingWrite>(writes: readonly W[], result: WriteResult): readonly W[] {
  if (result.kind !== "saved") return writes;
  const versions = new Map(result.todos.map((todo) => [todo.id, todo.version]));
  let changed = false;
  const next = writes.map((write) => {
    if (write.kind !== "update" || write.baseVersion === undefined) return write;
    const version = versions.get(write.id);
    if (version === undefined) return write;
    // null: based on a create that was still queued; this answer is that create's (or later).
    if (write.baseVersion !== null && write.baseVersion + 1 !== version) return write;
    changed = true;
    return { ...write, baseVersion: version };
  });
  return changed ? next : writes;
}

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
