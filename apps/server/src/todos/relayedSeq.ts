import { isDeepStrictEqual } from "node:util";
import { RelayedChangeEvent } from "@tandem/protocol";
import { AppError } from "../errors.js";
import type { TodoService } from "./TodoService.js";

/**
 * The rule for a seq in an event relayed by a webhook producer: only Tandem's store assigns seqs,
 * and clients drop an event whose seq they have already seen as a duplicate. A producer that
 * could put any seq on its event could therefore make clients drop (or skip past) a real change.
 * So an event that carries a seq must be, field for field, the change the store recorded under
 * that seq for that user (a producer relaying the store's own events); an event without a seq is
 * relayed as it is, and clients apply it by `object.version` alone (docs/protocol.md).
 *
 * @throws AppError `conflict` when the event carries a seq the store has no such change for
 */
export async function checkRelayedSeq(todos: Pick<TodoService, "storedChange">, event: RelayedChangeEvent): Promise<void> {
  const { seq, userId } = event.meta;
  if (seq === undefined) return;
  const stored = await todos.storedChange(userId, seq);
  // Through the schema, so that only the wire's fields are compared (a store may keep more).
  if (stored !== undefined && isDeepStrictEqual(RelayedChangeEvent.parse(stored), event)) return;
  throw new AppError(
    "conflict",
    `payload.meta.seq ${seq} is not the change Tandem's store keeps as seq ${seq} for this user: only Tandem's store assigns seqs, so relay its event unchanged, or leave meta.seq out`,
  );
}
