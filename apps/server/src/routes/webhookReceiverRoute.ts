import { createHash, timingSafeEqual } from "node:crypto";
import { Router } from "express";
import { WebhookBody, type WebhookResponse } from "@tandem/protocol";
import type { KeyValue } from "../kv/KeyValue.js";
import { relay, type Sender } from "../sockets/relay.js";
import { AppError } from "../errors.js";
import { jsonBody } from "../http/jsonBody.js";
import { parse } from "../http/validate.js";

export interface WebhookReceiverDeps {
  gateway: Sender;
  kv: KeyValue;
  /** Unset: the receiver does not exist (404). */
  secret: string | undefined;
  bodyLimitBytes: number;
  idempotencyTtlMs: number;
}

/**
 * `POST /api/websocket/messages`: the data store's webhook. Authenticated by a shared secret
 * (compared in constant time), validated with the protocol's schema, and relayed by the same
 * function as in-process changes. A repeated `webhook-id` is acknowledged but relayed only once.
 * It answers as soon as the frames are queued: a slow socket never delays the webhook.
 */
export function webhookReceiverRoute({ gateway, kv, secret, bodyLimitBytes, idempotencyTtlMs }: WebhookReceiverDeps): Router {
  const router = Router();
  const expected = secret === undefined ? undefined : digest(secret);
  router.post(
    "/",
    (req, _res, next) => {
      if (!expected) throw new AppError("not_found", "no such route");
      const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
      if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
        throw new AppError("unauthorized", "missing or wrong webhook secret");
      }
      next();
    },
    jsonBody(bodyLimitBytes),
    async (req, res) => {
      const { payload, receivers } = parse(WebhookBody, req.body);
      const webhookId = req.headers["webhook-id"];
      if (typeof webhookId === "string" && webhookId !== "") {
        const first = await kv.setIfAbsent(`webhook:${digest(webhookId).toString("hex")}`, "1", idempotencyTtlMs);
        if (!first) {
          req.log.info({ event: "webhook_duplicate" }, "webhook id seen before; not relayed again");
          res.status(202).json({ delivered: 0 } satisfies WebhookResponse);
          return;
        }
      }
      const delivered = relay(gateway, payload, receivers);
      res.status(202).json({ delivered } satisfies WebhookResponse);
    },
  );
  return router;
}

/** Hashing both sides first gives equal-length buffers, as timingSafeEqual requires. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
