import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { AppError } from "../errors.js";
import type { WebhookSecret } from "./webhookSecret.js";

/**
 * How far a signature's `webhook-timestamp` may be from our clock, either way: the Standard
 * Webhooks tolerance (and the `standardwebhooks` library's), so a captured delivery is useless
 * to an attacker five minutes later, while the `webhook-id` store stops replays before that.
 */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/** How a delivery proves it comes from a producer that holds the secret. */
export type WebhookCredential = "signature" | "bearer";

const SIGNATURE_HEADERS = ["webhook-id", "webhook-timestamp", "webhook-signature"] as const;

/**
 * Decides whether a delivery to `POST /api/websocket/messages` is from a producer that holds the
 * webhook secret (or, while it is rotated, the previous one):
 *
 * - a Standard Webhooks signature (recommended): `webhook-signature` holds one or more
 *   space-separated `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`, one of
 *   which must match; the timestamp must be within {@link SIGNATURE_TOLERANCE_MS} of now;
 * - or `Authorization: Bearer <secret>`, for producers inside the deployment.
 *
 * Every refusal is an AppError `unauthorized` whose message says what was wrong.
 */
export class WebhookAuth {
  readonly #verifiers: readonly Webhook[];
  readonly #bearerDigests: readonly Buffer[];

  /** `secrets`: the current secret first, then the one being rotated out, if any. */
  constructor(secrets: readonly WebhookSecret[]) {
    if (secrets.length === 0) throw new Error("WebhookAuth needs at least one secret");
    this.#verifiers = secrets.map((secret) => new Webhook(secret.key, { format: "raw" }));
    this.#bearerDigests = secrets.map((secret) => digest(secret.text));
  }

  /**
   * Which credential the request carries; a signature wins over a bearer header. Read before the
   * body, so that a request without either is refused without reading it.
   */
  credentialOf(headers: IncomingHttpHeaders): WebhookCredential {
    if (headers["webhook-signature"] !== undefined) return "signature";
    if (headers.authorization !== undefined) return "bearer";
    throw unauthorized(
      "missing webhook credentials: sign the delivery (webhook-id, webhook-timestamp, webhook-signature; Standard Webhooks) or send Authorization: Bearer <WEBHOOK_SECRET>",
    );
  }

  /** Compares in constant time, against a digest of each secret (equal lengths, as timingSafeEqual requires). */
  checkBearer(authorization: string | undefined): void {
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1];
    if (token === undefined) throw unauthorized("the Authorization header must be Bearer <WEBHOOK_SECRET>");
    const presented = digest(token);
    // Every secret is compared, matching or not, so the time taken does not say which matched.
    const matches = this.#bearerDigests.filter((expected) => timingSafeEqual(presented, expected));
    if (matches.length === 0) throw unauthorized("wrong webhook secret");
  }

  /**
   * Verifies the signature over the body exactly as received (its bytes, before any parsing).
   * @returns the delivery's `webhook-id`, its idempotency key
   */
  checkSignature(headers: IncomingHttpHeaders, body: Uint8Array): string {
    const [id, timestamp, signature] = SIGNATURE_HEADERS.map((name) => headers[name]);
    if (typeof id !== "string" || id === "" || typeof timestamp !== "string" || typeof signature !== "string") {
      throw unauthorized("a webhook-signature needs a webhook-id and a webhook-timestamp, each sent once");
    }
    if (!/^\d{1,12}$/.test(timestamp)) throw unauthorized("webhook-timestamp must be whole seconds since the Unix epoch");
    if (Math.abs(Date.now() - Number(timestamp) * 1000) > SIGNATURE_TOLERANCE_MS) {
      throw unauthorized("webhook-timestamp is more than 5 minutes from the server's clock: sign each delivery as it is sent");
    }
    const signed = { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature };
    for (const verifier of this.#verifiers) {
      try {
        verifier.verify(body, signed, { jsonParse: false });
        return id;
      } catch (err) {
        if (!(err instanceof WebhookVerificationError)) throw err;
      }
    }
    throw unauthorized("no webhook-signature matches the webhook secret");
  }
}

function unauthorized(message: string): AppError {
  return new AppError("unauthorized", message);
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
