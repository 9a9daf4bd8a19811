import type { ErrorCode, ErrorIssue, Todo } from "@tandem/protocol";

/**
 * Why a request failed: either the server answered with an error (`ApiError`, carrying the
 * wire's closed error code and its human message) or no answer arrived (`NetworkError`).
 * Callers branch on these two, never on raw statuses scattered through the UI.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly ErrorIssue[] = [],
    /** Seconds from a `Retry-After` header, when the server sent one. */
    readonly retryAfterSeconds: number | null = null,
    /** On `conflict`: the todo as the server has it now. */
    readonly current: Todo | null = null,
  ) {
    super(message);
  }
}

export class NetworkError extends Error {
  override readonly name = "NetworkError";

  constructor(message = "Can't reach the server. Check your connection.") {
    super(message);
  }
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/**
 * The session itself is gone (revoked, expired, the account deleted), as opposed to a wrong
 * password given to a route that checks one (`invalid_credentials`, also a 401).
 */
export function isSessionGone(error: unknown): boolean {
  return error instanceof ApiError && error.code === "unauthorized";
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.code === "not_found";
}

/**
 * Worth sending again later, unchanged: nothing answered, or the server said "not now".
 * Everything else (validation, not found, an internal error) would fail the same way again.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  if (!(error instanceof ApiError)) return false;
  return error.code === "unavailable" || error.code === "too_many_requests" || error.status === 408;
}

/** The server failed on it (any 5xx): perhaps for a moment, perhaps for good. */
export function isServerFault(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 500;
}

/** A sentence for people, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError || error instanceof NetworkError) return error.message;
  return "Something went wrong. Please try again.";
}
