import type { NextFunction, Request, RequestHandler, Response } from "express";
import { AppError } from "../errors.js";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** How much of an oversized body is read and dropped before the 413 (see refuseTooLarge). */
export const MAX_DISCARD_BYTES = 1024 * 1024;

/**
 * Reads a JSON request body into `req.body`, for the API and the webhook alike.
 *
 * A state-changing request that carries a body must say `Content-Type: application/json` (UTF-8,
 * uncompressed): nothing else is ever parsed, so an HTML form (or a `text/plain` fetch) cannot
 * reach the API, which closes the classic CSRF route that needs no preflight. Only an object or
 * an array is accepted at the top level.
 *
 * Our own rather than `express.json()`, for CPU per write (docs/performance.md).
 */
export function jsonBody(limitBytes: number, options: { keepRaw?: boolean } = {}): RequestHandler {
  return (req, res, next) => {
    if (!hasBody(req)) {
      next();
      return;
    }
    const problem = unreadable(req.headers["content-type"], req.headers["content-encoding"]);
    if (problem !== null) {
      // A body we do not read on a GET is ignored, as a body on a GET means nothing here.
      if (!STATE_CHANGING.has(req.method)) {
        next();
        return;
      }
      next(new AppError("unsupported_media_type", problem));
      return;
    }
    const declared = Number(req.headers["content-length"] ?? Number.NaN);
    if (declared > limitBytes) {
      refuseTooLarge(req, res, next, 0, declared > limitBytes + MAX_DISCARD_BYTES);
      return;
    }

    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    /** Stops reading here; `then` decides what happens to the request. */
    const settle = (then: () => void) => {
      if (settled) return;
      settled = true;
      req.off("data", onData).off("end", onEnd).off("error", onError);
      then();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        settle(() => refuseTooLarge(req, res, next, received, false));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
      if (options.keepRaw) rawBodies.set(req, bytes);
      const text = bytes.toString("utf8");
      try {
        req.body = parseStrict(text);
      } catch {
        settle(() => next(new AppError("bad_request", "the request body is not valid JSON")));
        return;
      }
      settle(() => next());
    };
    // The client went away (Node reports it as an ECONNRESET "aborted" error) or broke the
    // stream: nobody will read the answer, but the request must still end, not hang in the router.
    const onError = () => settle(() => next(new AppError("bad_request", "the request body could not be read")));
    req.on("data", onData).on("end", onEnd).on("error", onError);
  };
}

const rawBodies = new WeakMap<Request, Buffer>();

/**
 * The body's bytes exactly as received, when `jsonBody` was asked to keep them (a signature is
 * over those bytes, not over what parsing and serializing again would give).
 */
export function rawBodyOf(req: Request): Buffer | undefined {
  return rawBodies.get(req);
}

export function isStateChanging(method: string): boolean {
  return STATE_CHANGING.has(method);
}

function hasBody(req: Request): boolean {
  const length = req.headers["content-length"];
  if (length !== undefined) return length !== "0";
  return req.headers["transfer-encoding"] !== undefined;
}

/** Why a body with these headers cannot be read as JSON, or null when it can. */
function unreadable(contentType: string | undefined, contentEncoding: string | undefined): string | null {
  if (contentEncoding !== undefined && contentEncoding.toLowerCase() !== "identity") return "send the body uncompressed";
  if (contentType === undefined) return "send the body as application/json";
  const [type = "", ...params] = contentType.split(";");
  if (type.trim().toLowerCase() !== "application/json") return "send the body as application/json";
  for (const param of params) {
    const [name = "", value = ""] = param.split("=");
    if (name.trim().toLowerCase() !== "charset") continue;
    const charset = value.trim().replace(/^"(.*)"$/, "$1").toLowerCase();
    if (charset !== "utf-8" && charset !== "utf8") return "send the body as UTF-8 JSON";
  }
  return null;
}

/** JSON.parse, but only objects and arrays at the top level (a bare string or number is a mistake). */
function parseStrict(text: string): unknown {
  const first = /^[\s\uFEFF]*(.)/.exec(text)?.[1];
  if (first !== "{" && first !== "[") throw new SyntaxError("not an object or an array");
  return JSON.parse(text.replace(/^\uFEFF/, ""));
}

/**
 * Answers 413 once the rest of the body has been read and dropped, as body-parser did: a server
 * that answers and closes while the client is still sending makes the client's TCP stack see a
 * reset, and most clients then report a broken connection instead of the 413. Past
 * `MAX_DISCARD_BYTES` (or when the declared length is already past it) the answer goes at once
 * and the connection is closed: nobody gets to keep us reading for as long as they like.
 */
function refuseTooLarge(req: Request, res: Response, next: NextFunction, alreadyRead: number, atOnce: boolean): void {
  const error = new AppError("payload_too_large", "the request body is too large");
  if (req.complete) {
    next(error);
    return;
  }
  let discarded = alreadyRead;
  let done = false;
  const finish = (close: boolean) => {
    if (done) return;
    done = true;
    req.off("data", onData).off("end", onEnd).off("error", onError);
    if (close) res.setHeader("Connection", "close");
    next(error);
  };
  const onData = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARD_BYTES) finish(true);
  };
  const onEnd = () => finish(false);
  const onError = () => finish(true);
  if (atOnce) {
    finish(true);
    // Still consumed (and dropped) until the connection closes, rather than left unread.
    req.resume();
    return;
  }
  req.on("data", onData).on("end", onEnd).on("error", onError);
}
