import type { ErrorCode, ErrorIssue, Todo } from "@tandem/protocol";

export interface AppErrorOptions {
  /** Per-field problems, for `validation_failed`. */
  details?: ErrorIssue[];
  /** When trying again makes sense, how long to wait first (sent as `Retry-After`). */
  retryAfterSeconds?: number;
  /** For `conflict`: the todo as it is now, so the client can show what it would overwrite. */
  current?: Todo;
  cause?: unknown;
}

/**
 * An error the server raises on purpose, for the client: `code` (one of the protocol's closed
 * set) says what went wrong and `message` says it to a person. Nothing below the HTTP layer knows
 * about HTTP: the error handler turns the code into a status with the protocol's `ERROR_STATUS`
 * (as `ws` puts an error's `code` and its close code on one object). Anything thrown that is not
 * an AppError is a bug: logged in full, answered with a generic 500.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorIssue[] | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly current: Todo | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.current = options.current;
  }
}
