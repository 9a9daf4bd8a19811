import { createHash } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAY_HEADER, IdempotencyKey } from "@tandem/protocol";
import type { Logger } from "pino";
import { AppError } from "../errors.js";
import type { IdempotencyStore, StoredAnswer } from "../store/Store.js";
import { principalOf } from "./authenticate.js";
import { JSON_CONTENT_TYPE, sendJsonInSlices } from "./sendJsonInSlices.js";
import { checkWriteUser } from "./writeUser.js";

/** What a write route answers, before it is sent (and kept, when the request carried a key). */
export interface WriteAnswer {
  status: number;
  /** Sent as JSON; undefined for an answer without a body (204). */
  body?: Record<string, unknown>;
  /** The array in `body` sent a slice at a time (see sendJsonInSlices). */
  listKey?: string;
}

export interface IdempotencyOptions {
  store: IdempotencyStore;
  /** How long an answer is kept for repeats (IDEMPOTENCY_KEY_TTL_MS). */
  ttlMs: number;
  /** How many answers are kept per user at most, the newest (IDEMPOTENCY_KEYS_MAX_PER_USER). */
  maxPerUser: number;
  /**
   * How long a key stays claimed by a write that never finished (the process died midway): after
   * it, a repeat runs the write again (IDEMPOTENCY_LEASE_MS).
   */
  leaseMs: number;
  logger: Logger;
  now?: () => number;
}

/**
 * Makes write routes exactly-once for clients that send an `Idempotency-Key`: the first request
 * with a key claims it, runs, and its answer is kept per user for `ttlMs`; a repeat of it (same
 * method, path, `If-Match` and body) gets that answer again, marked `Idempotent-Replayed: true`,
 * and writes nothing. Only successful answers are kept: a write that failed wrote nothing, so its
 * repeat runs afresh. A key reused for a different request is refused (422
 * `idempotency_key_reused`); a repeat that arrives while the first is still running is told to try
 * again shortly (503 `unavailable` with Retry-After).
 *
 * @returns `route`, which turns a handler that returns a `WriteAnswer` into an Express handler
 */
export function idempotentWrites(options: IdempotencyOptions) {
  const now = options.now ?? Date.now;
  return (handler: (req: Request) => Promise<WriteAnswer>): RequestHandler =>
    async (req, res) => {
      // Before the key is looked at: another account's key must not even be claimed.
      checkWriteUser(req);
      const key = keyOf(req);
      if (key === null) {
        await send(res, await handler(req), false);
        return;
      }
      const userId = principalOf(req).user.id;
      const fingerprint = fingerprintOf(req);
      const claim = await options.store.claim(userId, key, fingerprint, now(), now() + options.leaseMs);
      if (claim.kind === "found") {
        if (claim.fingerprint !== fingerprint) {
          throw new AppError("idempotency_key_reused", "this Idempotency-Key was already used for a different request; use a new key for each write");
        }
        if (claim.answer === null) {
          throw new AppError("unavailable", "a request with this Idempotency-Key is still being processed; try again shortly", { retryAfterSeconds: 1 });
        }
        replay(res, claim.answer);
        return;
      }
      let answer: WriteAnswer;
      try {
        answer = await handler(req);
      } catch (err) {
        await options.store.release(userId, key).catch((releaseErr: unknown) => {
          // The claim then lapses after leaseMs; until then a repeat is told to wait.
          options.logger.warn({ err: releaseErr }, "releasing an idempotency key failed");
        });
        throw err;
      }
      const body = await send(res, answer, true);
      try {
        await options.store.complete(userId, key, { status: answer.status, body }, now() + options.ttlMs, options.maxPerUser);
      } catch (err) {
        // The write is done and answered; a repeat after the lease runs it again (with If-Match, a conflict).
        options.logger.warn({ err }, "keeping the answer of an idempotent write failed");
      }
    };
}

function keyOf(req: Request): string | null {
  const raw = req.headers[IDEMPOTENCY_KEY_HEADER];
  if (raw === undefined) return null;
  const parsed = IdempotencyKey.safeParse(raw);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({ path: "Idempotency-Key", message: issue.message }));
  throw new AppError("validation_failed", "the Idempotency-Key header is not valid", { details });
}

/** What makes two requests the same request: method, URL, If-Match and body. */
function fingerprintOf(req: Request): string {
  const parts = [req.method, req.originalUrl, req.headers["if-match"] ?? "", JSON.stringify(req.body ?? null)];
  return createHash("sha256").update(parts.join("\n")).digest("base64url");
}

/** Sends the answer; returns its body as sent ("" when it has none) for `keep`, else "" too. */
async function send(res: Response, answer: WriteAnswer, keep: boolean): Promise<string> {
  res.status(answer.status);
  if (answer.body === undefined) {
    res.end();
    return "";
  }
  if (answer.listKey !== undefined) {
    const body = answer.body as Record<string, readonly unknown[]>;
    const sent = await sendJsonInSlices(res, body, answer.listKey, { keep });
    return keep ? (sent ?? JSON.stringify(answer.body)) : "";
  }
  const text = JSON.stringify(answer.body);
  res.setHeader("Content-Type", JSON_CONTENT_TYPE).send(text);
  return text;
}

function replay(res: Response, answer: StoredAnswer): void {
  res.setHeader(IDEMPOTENT_REPLAY_HEADER, "true");
  res.status(answer.status);
  if (answer.body === "") res.end();
  else res.setHeader("Content-Type", JSON_CONTENT_TYPE).send(answer.body);
}

/**
 * Deletes expired keys now and then every `intervalMs`, on a timer that never keeps the process
 * alive (claims already ignore them: this only bounds the table). @returns stops the timer
 */
export function startIdempotencyPurge(store: Pick<IdempotencyStore, "deleteExpired">, logger: Logger, intervalMs = 15 * 60_000): () => void {
  const purge = () => {
    store.deleteExpired(Date.now()).catch((err: unknown) => logger.warn({ err }, "deleting expired idempotency keys failed"));
  };
  purge();
  const timer = setInterval(purge, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
