import { setImmediate as nextTurn } from "node:timers/promises";
import type { ChangeEvent } from "@tandem/protocol";
import type { TodoChangeState, TodoStorage, TodoWrites } from "../store/TodoStorage.js";

/**
 * How many todos one transaction of a bulk change (toggle-all, clear-completed) takes at most.
 * A change costs the event loop about a tenth of a millisecond per todo of 1,000 characters
 * (deciding, writing the row and its event, relaying the event), so a chunk this size keeps each
 * turn to a few milliseconds even at TODOS_MAX_PER_USER (`bench/tools/loopAtCaps.mjs` measures it).
 */
export const BULK_CHUNK_SIZE = 100;

/** What one chunk of a bulk change decided: at most one event per todo it selected. */
export interface BulkChunk {
  readonly events: readonly ChangeEvent[];
}

/**
 * Runs a bulk change over the user's todos whose `done` is `done`, a chunk at a time: each chunk
 * is one transaction over the first `chunkSize` of them (in list order), deciding with `decide`;
 * its events are published as soon as it commits, and the event loop gets a turn before the
 * next chunk, so requests and sockets are served in between. A user's seqs stay gapless and
 * each event is published once, in seq order; other changes may land between two chunks (each
 * chunk reads afresh), which is all a bulk change gives up by not being one transaction.
 *
 * It ends with the first chunk that changes less than a whole chunk, or once it has changed as
 * many todos as the user had when it began: two bulk changes undoing each other's chunks (two
 * devices toggling all at once, opposite ways) cannot keep each other going forever.
 *
 * @returns every chunk's result, in order (the first even when it changed nothing)
 */
export async function changeInChunks<T extends BulkChunk>(
  storage: TodoStorage,
  publish: (events: readonly ChangeEvent[]) => void,
  userId: string,
  select: { done: boolean; chunkSize: number },
  decide: (state: TodoChangeState) => TodoWrites<T>,
): Promise<T[]> {
  const chunks: T[] = [];
  let budget = Number.POSITIVE_INFINITY;
  let changed = 0;
  for (;;) {
    const first = chunks.length === 0;
    // Awaited directly, and published in the same turn: chunks and other writes committed
    // together settle in commit order, so their events go out in seq order.
    const { result, count } = await storage.change(userId, { done: select.done, limit: select.chunkSize, count: first }, (state) => {
      const writes = decide(state);
      return { ...writes, result: { result: writes.result, count: state.count } };
    });
    publish(result.events);
    chunks.push(result);
    if (first) budget = count ?? budget;
    changed += result.events.length;
    if (result.events.length < select.chunkSize || changed >= budget) return chunks;
    await nextTurn();
  }
}
