import express, { type RequestHandler } from "express";
import { HttpError } from "./HttpError.js";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * A state-changing request that carries a body must say `Content-Type: application/json`.
 * Nothing else is ever parsed as JSON: an HTML form (or `text/plain` fetch) cannot reach the
 * API, which closes the classic CSRF route that needs no preflight.
 */
export function jsonBody(limitBytes: number): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    if (STATE_CHANGING.has(req.method) && hasBody(req) && !req.is("application/json")) {
      next(new HttpError(415, "unsupported_media_type", "send the body as application/json"));
      return;
    }
    next();
  };
  return [requireJson, express.json({ limit: limitBytes, strict: true, type: "application/json" })];
}

function hasBody(req: Parameters<RequestHandler>[0]): boolean {
  const length = req.headers["content-length"];
  if (length !== undefined) return length !== "0";
  return req.headers["transfer-encoding"] !== undefined;
}

export function isStateChanging(method: string): boolean {
  return STATE_CHANGING.has(method);
}
