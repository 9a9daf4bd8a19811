import type { Seq } from "@tandem/protocol";
import type { ChangeContext } from "./Store.js";

/** Change events are built by the protocol's own builders, so every producer makes the same JSON. */
export { deleteEvent, upsertEvent } from "@tandem/protocol";

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
