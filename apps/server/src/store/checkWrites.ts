import type { Seq } from "@tandem/protocol";
import type { TodoWrites } from "./TodoStorage.js";

/**
 * What every adapter checks before it writes a change (a failure is a bug above it, and the
 * change is rolled back): the events continue the user's log one seq at a time, belong to that
 * user, and a change that touches todos records them; a trim never reaches the newest entry.
 *
 * @returns the seq the user will be at after the change, or undefined when it writes nothing
 */
export function checkWrites(userId: string, seq: Seq, writes: TodoWrites<unknown>): Seq | undefined {
  const touches = (writes.inserted?.length ?? 0) + (writes.updated?.length ?? 0) + (writes.deleted?.length ?? 0);
  if (writes.events.length === 0) {
    if (touches > 0 || writes.trimThrough !== undefined || (writes.deliveries?.length ?? 0) > 0) throw new Error("a change that writes must record its events");
    return undefined;
  }
  let expected = seq;
  for (const { meta } of writes.events) {
    expected += 1;
    if (meta.seq !== expected || meta.userId !== userId) {
      throw new Error(`event ${meta.userId}/${meta.seq} does not continue ${userId}'s log at ${expected}`);
    }
  }
  for (const { seq: deliverySeq } of writes.deliveries ?? []) {
    if (deliverySeq <= seq || deliverySeq > expected) throw new Error(`delivery of seq ${deliverySeq} is not one of this change's events`);
  }
  if (writes.trimThrough !== undefined && writes.trimThrough >= expected) {
    throw new Error(`trimming through ${writes.trimThrough} would empty ${userId}'s log`);
  }
  return expected;
}
