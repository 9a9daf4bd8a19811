import { STATUS_CODES } from "node:http";
import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import { ERROR_STATUS, errorCodeForStatus, type ErrorBody } from "@tandem/protocol";
import { AppError } from "../errors.js";

/**
 * Turns every error into the wire's `{ error: { code, message, details? } }`; the one place that
 * knows about HTTP statuses.
 *
 * - An {@link AppError} is answered with its code's status (the protocol's `ERROR_STATUS`), its
 *   message, its details, and `Retry-After` when it says how long to wait. 5xx ones are logged
 *   at warn.
 * - A client error raised by Express or its middleware is answered with its own 4xx and logged
 *   at info (see {@link frameworkRefusal}).
 * - Anything else is a bug: logged in full and answered with a generic 500, so no stack trace or
 *   internal message ever reaches a client.
 */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  if (err instanceof AppError) {
    const known = err;
    const status = ERROR_STATUS[known.code];
    if (status >= 500) req.log.warn({ err }, known.message);
    if (known.retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(known.retryAfterSeconds));
    send(res, status, { code: known.code, message: known.message, ...(known.details ? { details: known.details } : {}), ...(known.current ? { current: known.current } : {}) });
    return;
  }
  const refusal = frameworkRefusal(err);
  if (refusal) {
    req.log.info({ status: refusal.status, reason: refusal.reason }, "request refused by the framework");
    for (const [name, value] of refusal.headers) res.setHeader(name, value);
    const message = (STATUS_CODES[refusal.status] ?? "request refused").toLowerCase();
    send(res, refusal.status, { code: errorCodeForStatus(refusal.status), message });
    return;
  }
  req.log.error({ err }, "unhandled error");
  send(res, ERROR_STATUS.internal, { code: "internal", message: "something went wrong on our side" });
};

/** The last route: nothing matched. */
export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(new AppError("not_found", "no such route"));
};

function send(res: Response, status: number, error: ErrorBody["error"]): void {
  res.status(status).json({ error } satisfies ErrorBody);
}


interface FrameworkRefusal {
  status: number;
  /** What the log is told: the error's own message, which may name files or echo the request. */
  reason: string;
  headers: [string, string][];
}

/**
 * A client error that Express or its middleware raised: an Error with a 4xx `status` (or
 * `statusCode`), the convention of `http-errors` that Express's own final handler follows. The
 * router's undecodable path parameter (400) and `express.static`'s missing file (404, say a hashed
 * asset of a previous deploy) are two. The client is told the status's own text (its message is
 * for the log), with the headers the error carries (`send`'s `Content-Range` on a 416). A 5xx is
 * not a refusal but a failure, and is treated as a bug.
 */
function frameworkRefusal(err: unknown): FrameworkRefusal | null {
  if (!(err instanceof Error)) return null;
  const { status, statusCode, headers } = err as Error & Partial<Record<"status" | "statusCode" | "headers", unknown>>;
  const code = typeof status === "number" ? status : statusCode;
  if (typeof code !== "number" || !Number.isInteger(code) || code < 400 || code > 499) return null;
  return { status: code, reason: err.message, headers: stringHeaders(headers) };
}

function stringHeaders(headers: unknown): [string, string][] {
  if (typeof headers !== "object" || headers === null) return [];
  return Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === "string");
}
