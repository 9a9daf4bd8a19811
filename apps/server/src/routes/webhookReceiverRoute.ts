import { createHash } from "node:crypto";
import { Router } from "express";
import { WebhookBody, type WebhookResponse } from "@tandem/protocol";
import type { KeyValue } from "../kv/KeyValue.js";
import { relay, type Sender } from "../sockets/relay.js";
import type { TodoService } from "../todos/TodoService.js";
import { checkRelayedSeq } from "../todos/relayedSeq.js";
import { AppError } from "../errors.js";
import { jsonBody, rawBodyOf } from "../http/jsonBody.js";
import { parse } from "../http/validate.js";
import { WebhookAuth } from "../http/webhookAuth.js";
import type { WebhookSecret } from "../http/webhookSecret.js";

export interface WebhookReceiverDeps {
  gateway: Sender;
  kv: KeyValue;
  todos: Pick<TodoService, "storedChange">;
  /** WEBHOOK_SECRET, then WEBHOOK_SECRET_PREVIOUS; none: the receiver does not exist (404). */
  secrets: readonly WebhookSecret[];
  bodyLimitBytes: number;
  idempotencyTtlMs: number;
}

/**
 * `POST /api/websocket/messages`: the data store's webhook. Authenticated by a Standard Webhooks
 * signature or a bearer secret (http/webhookAuth.ts), validated with the protocol's schema and
 * the seq rule (todos/relayedSeq.ts), and relayed by the same function as in-process changes, to
 * the payload's owner's sockets only. A repeated `webhook-id` is acknowledged but relayed once.
 * It answers as soon as the frames are queued: a slow socket never delays the webhook.
 */
export function webhookReceiverRoute({ gateway, kv, todos, secrets, bodyLimitBytes, idempotencyTtlMs }: WebhookReceiverDeps): Router {
  const router = Router();
  if (secrets.length === 0) {
    router.post("/", () => {
      throw new AppError("not_found", "no such route");
    });
    return router;
  }
  const auth = new WebhookAuth(secrets);
  router.post(
    "/",
    (req, _res, next) => {
      // A bearer secret is checked before the body is read; a signature needs the body's bytes.
      if (auth.credentialOf(req.headers) === "bearer") auth.checkBearer(req.headers.authorization);
      next();
    },
    jsonBody(bodyLimitBytes, { keepRaw: true }),
    async (req, res) => {
      const signed = auth.credentialOf(req.headers) === "signature";
      const webhookId = signed ? auth.checkSignature(req.headers, rawBodyOf(req) ?? Buffer.alloc(0)) : req.headers["webhook-id"];
      const { payload, receivers } = parse(WebhookBody, req.body);
      await checkRelayedSeq(todos, payload);
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

/** Ids are the producer's and may be long: the key is a fixed-size hash of one. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
