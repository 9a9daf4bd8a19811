import type { ChangeEvent, Seq } from "@tandem/protocol";
import type { TodoStorage } from "../store/TodoStorage.js";

/**
 * How many seqs apart the change log is trimmed: a trim is a statement (or a round trip) of its
 * own, so it runs when a change crosses a multiple of this rather than with every change. Up to
 * this many entries past the limit linger; catch-up never hands them out.
 */
export const TRIM_EVERY = 32;

/**
 * Where to trim a user's log after a change took it from seq `before` to `after`, keeping the
 * newest `limit` entries: undefined when this change need not trim.
 */
export function trimThrough(before: Seq, after: Seq, limit: number): Seq | undefined {
  if (Math.floor(after / TRIM_EVERY) === Math.floor(before / TRIM_EVERY)) return undefined;
  const through = after - limit;
  return through > 0 ? through : undefined;
}

export interface CatchUp {
  /** The changes after `since`, oldest first, each exactly once. */
  events: ChangeEvent[];
  /** False when some of them are no longer kept: the client must refetch the list (resync). */
  complete: boolean;
  /** The user's seq now. */
  seq: Seq;
}

/**
 * The user's changes after `since`, from the newest `limit` the log keeps. Seqs have no gaps, so
 * the log is complete exactly when it holds `seq - since` of them. A `since` ahead of the user's
 * seq comes from another database or a reset one: the client must resync.
 */
export async function changesSince(storage: TodoStorage, userId: string, since: Seq, limit: number): Promise<CatchUp> {
  const snapshot = await storage.read(userId, { eventsAfter: since });
  const { seq } = snapshot;
  if (since >= seq) return { events: [], complete: since === seq, seq };
  const oldestKept = seq - limit;
  const events = snapshot.events.filter((event) => event.meta.seq > oldestKept);
  return { events, complete: events.length === seq - since, seq };
}
