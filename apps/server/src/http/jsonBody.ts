import type { Request, RequestHandler } from "express";
import { HttpError } from "./HttpError.js";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Reads a JSON request body into `req.body`, for the API and the webhook alike.
 *
 * A state-changing request that carries a body must say `Content-Type: application/json` (UTF-8,
 * uncompressed): nothing else is ever parsed, so an HTML form (or a `text/plain` fetch) cannot
 * reach the API, which closes the classic CSRF route that needs no preflight. Only an object or
 * an array is accepted at the top level.
 *
 * Written here rather than with `express.json()`: body-parser's layers (type-is, content-type,
 * raw-body, iconv) were ~7 % of a write's CPU, for bodies that are at most a few KB of UTF-8.
 */
export function jsonBody(limitBytes: number): RequestHandler {
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
      next(new HttpError(415, "unsupported_media_type", problem));
      return;
    }
    const declared = Number(req.headers["content-length"] ?? Number.NaN);
    if (declared > limitBytes) {
      tooLarge(res, next);
      return;
    }

    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (err?: HttpError) => {
      if (settled) return;
      settled = true;
      req.off("data", onData).off("end", onEnd).off("error", onError);
      next(err);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        tooLarge(res, settle);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      const text = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks, received).toString("utf8");
      try {
        req.body = parseStrict(text);
      } catch {
        settle(new HttpError(400, "bad_request", "the request body is not valid JSON"));
        return;
      }
      settle();
    };
    // The client went away (Node reports it as an ECONNRESET "aborted" error) or broke the
    // stream: nobody will read the answer, but the request must still end, not hang in the router.
    const onError = () => settle(new HttpError(400, "bad_request", "the request body could not be read"));
    req.on("data", onData).on("end", onEnd).on("error", onError);
  };
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
 * The rest of an oversized body is not read: the answer closes the connection, which discards it
 * (draining it would let a client keep us reading for as long as it likes).
 */
function tooLarge(res: Parameters<RequestHandler>[1], next: (err: HttpError) => void): void {
  res.setHeader("Connection", "close");
  next(new HttpError(413, "payload_too_large", "the request body is too large"));
}
