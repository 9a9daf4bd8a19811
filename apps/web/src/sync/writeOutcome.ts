import { ApiError, errorMessage, isNotFound, isRetryable, isServerFault, isUnauthorized } from "../api/errors";
import { randomId } from "../randomId";
import type { FailedWrite, PendingWrite, WriteFailure, WriteResult } from "../state/pendingWrite";

/** How often a write the server failed on (a 5xx other than 503) is sent again before it is kept as failed. */
export const SERVER_FAULT_RETRIES = 3;

/** What to do with a write whose request threw. */
export type WriteOutcome =
  /** Send it again later, unchanged (nothing answered, "not now", or a server fault that may pass). */
  | { kind: "retry" }
  /** The session is over: send nothing more. */
  | { kind: "signedOut" }
  /** The person's intent already holds (a delete of a todo already gone): as if acknowledged. */
  | { kind: "done"; result: WriteResult }
  /** Refused for good: keep it, with the reason, for the person to retry or discard. */
  | { kind: "failed"; failure: WriteFailure };

/** Decides a thrown write's fate; `retries` is how often it was already sent again. */
export function outcomeOf(write: PendingWrite, error: unknown, retries: number): WriteOutcome {
  // A server fault may pass (a restart, a lock); its repeat is harmless (the Idempotency-Key).
  if (isRetryable(error) || (isServerFault(error) && retries < SERVER_FAULT_RETRIES)) return { kind: "retry" };
  if (isUnauthorized(error)) return { kind: "signedOut" };
  if (write.kind === "delete" && isNotFound(error)) return { kind: "done", result: { kind: "deleted", ids: [write.id] } };
  return { kind: "failed", failure: failureOf(error) };
}

function failureOf(error: unknown): WriteFailure {
  const reason = errorMessage(error);
  if (!(error instanceof ApiError)) return { code: "internal", reason };
  return error.current === null ? { code: error.code, reason } : { code: error.code, reason, current: error.current };
}

/** A new todo carrying a failed create's or text edit's text; null for a write without text. */
export function keptAsNew(write: PendingWrite): PendingWrite | null {
  const text = write.kind === "create" ? write.text : write.kind === "update" ? write.patch.text : undefined;
  return text === undefined ? null : { kind: "create", writeId: randomId(), id: randomId(), text };
}

/** A conflicting edit sent again, knowingly, over the todo as the server has it now. */
export function keptOverCurrent({ write, failure }: FailedWrite): PendingWrite | null {
  if (write.kind !== "update" || failure.current === undefined) return null;
  return { ...write, writeId: randomId(), baseVersion: failure.current.version };
}
