import type { ErrorRequestHandler, RequestHandler } from "express";
import { ERROR_STATUS, type ErrorBody } from "@tandem/protocol";
import { AppError } from "../errors.js";
import { HttpError } from "./HttpError.js";

/**
 * Turns every error into the wire's `{ error: { code, message, details? } }`. Client errors are
 * answered as they are; anything unexpected is logged in full and answered with a generic 500,
 * so no stack trace or internal message ever reaches a client.
 */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const known = toHttpError(err);
  if (known) {
    if (known.status >= 500) req.log.warn({ err }, known.message);
    for (const [name, value] of Object.entries(known.headers)) res.setHeader(name, value);
    send(res, known);
    return;
  }
  req.log.error({ err }, "unhandled error");
  send(res, new HttpError(500, "internal", "something went wrong on our side"));
};

/** The last route: nothing matched. */
export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(new HttpError(404, "not_found", "no such route"));
};

function send(res: Parameters<ErrorRequestHandler>[2], e: HttpError) {
  const body: ErrorBody = { error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } };
  res.status(e.status).json(body);
}

function toHttpError(err: unknown): HttpError | null {
  if (err instanceof HttpError) return err;
  if (err instanceof AppError) {
    const headers: Record<string, string> = err.retryAfterSeconds === undefined ? {} : { "Retry-After": String(err.retryAfterSeconds) };
    return new HttpError(ERROR_STATUS[err.code], err.code, err.message, err.details, headers);
  }
  return null;
}
