import { TODO_OBJECT_TYPE } from "@tandem/protocol";
import type { ChangeEvent, Seq, Todo } from "@tandem/protocol";
import type { ChangeContext } from "./Store.js";

/**
 * Builds the `ChangeEvent` envelopes both adapters commit next to each change. Kept in one
 * place so SQLite and MongoDB cannot drift apart in what a client receives.
 */

/** The envelope of a created or updated todo: it carries the whole todo as it now is. */
export function upsertEvent(
  eventName: "create" | "update",
  todo: Todo,
  seq: Seq,
  ctx: ChangeContext,
): ChangeEvent {
  return {
    object: todo,
    meta: { eventName, requestId: ctx.requestId, userId: todo.userId, seq, device: ctx.device },
  };
}

/** The envelope of a deleted todo: the todo is gone, so only its identity travels. */
export function deleteEvent(userId: string, id: string, seq: Seq, ctx: ChangeContext): ChangeEvent {
  return {
    object: { id, userId, device: ctx.device, objectType: TODO_OBJECT_TYPE },
    meta: { eventName: "delete", requestId: ctx.requestId, userId, seq, device: ctx.device },
  };
}

/** The clock of a change: the injected one in tests, the wall clock otherwise. */
export function changeTime(ctx: ChangeContext): Date {
  return ctx.now ?? new Date();
}

/**
 * Whether `events` (the retained events with `seq > since`) are all the changes after `since`.
 * Seqs have no gaps, so the log is complete exactly when it holds `current - since` events. A
 * `since` ahead of `current` comes from another database or a reset one: the client must resync.
 */
export function isCompleteSince(since: Seq, current: Seq, retainedAfterSince: number): boolean {
  return since <= current && retainedAfterSince === current - since;
}
