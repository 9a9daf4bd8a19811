import { AppError } from "../errors.js";

/** How long a client is asked to wait before trying again when the database is unavailable. */
const RETRY_AFTER_SECONDS = 5;

/** An account with this email exists (the users' unique key). */
export function emailTaken(): AppError {
  return new AppError("email_taken", "an account with this email already exists");
}

/**
 * The database cannot serve this right now (down, unreachable, busy past its timeout, out of
 * disk, or closed by shutdown): the request may well succeed a moment later.
 */
export function storeUnavailable(cause: unknown): AppError {
  return new AppError("unavailable", "the database is unavailable, try again shortly", {
    cause,
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  });
}
