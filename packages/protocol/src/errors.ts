import { z } from "zod";
import { Todo } from "./todos.js";

/**
 * The closed set of error codes a client may see. Clients map these to UI; the message is for
 * people and may change, the code may not.
 */
export const ERROR_CODES = [
  "bad_request",
  "validation_failed",
  "unauthorized",
  "invalid_credentials",
  "forbidden",
  "not_found",
  "email_taken",
  "id_taken",
  "limit_reached",
  "invalid_reset_token",
  "conflict",
  "idempotency_key_reused",
  "payload_too_large",
  "unsupported_media_type",
  "too_many_requests",
  "unavailable",
  "internal",
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/**
 * The HTTP status each code is answered with: the one table that ties the two together. The
 * server's domain throws errors that carry a code; only its HTTP layer reads this.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  email_taken: 409,
  id_taken: 409,
  /** A per-user limit on what can be kept (TODOS_MAX_PER_USER): nothing to retry until some goes. */
  limit_reached: 409,
  /** A password-reset link that is unknown, already used or past its 30 minutes: ask for a new one. */
  invalid_reset_token: 400,
  /**
   * The request contradicts what the server has recorded: a write named the version it was based
   * on (`If-Match`) and the todo has changed since (the answer carries the todo as it is now in
   * `error.current`, nothing was written); or a relayed event's seq is not the stored change's.
   */
  conflict: 409,
  /** An `Idempotency-Key` already used for a different request (another route or body). */
  idempotency_key_reused: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<ErrorCode, number>;

/** The code for an HTTP status that arrived without one of ours (a proxy's answer, a framework's 4xx). */
export function errorCodeForStatus(status: number): ErrorCode {
  for (const code of ERROR_CODES) if (ERROR_STATUS[code] === status) return code;
  if (status >= 500) return status === 503 ? "unavailable" : "internal";
  return "bad_request";
}

export const ErrorIssue = z.object({ path: z.string(), message: z.string() });
export type ErrorIssue = z.infer<typeof ErrorIssue>;

export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    details: z.array(ErrorIssue).optional(),
    /** On `conflict`: the todo as the server has it now. */
    current: Todo.optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
