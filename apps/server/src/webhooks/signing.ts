import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { WEBHOOK_ID_HEADER, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from "@tandem/protocol";

/**
 * Standard Webhooks signing (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md),
 * through the spec's own reference library: `v1,` + base64 of HMAC-SHA256 over
 * `{webhook-id}.{webhook-timestamp}.{body}`, keyed by the base64 part of a `whsec_` secret.
 */

/** A new endpoint secret: `whsec_` + 32 random bytes in base64 (the spec allows 24 to 64). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/**
 * The `webhook-id` of one event to one endpoint: unique per (endpoint, seq), since an endpoint
 * belongs to one user and a user's seqs are never reused, and the same on every retry, so a
 * receiver can use it as its idempotency key.
 */
export function webhookEventId(endpointId: string, seq: number): string {
  return `msg_${endpointId}_${seq}`;
}

/** The three Standard Webhooks headers for `body`, signed at `at`. */
export function signedHeaders(secret: string, eventId: string, at: Date, body: string): Record<string, string> {
  const signature = new Webhook(secret).sign(eventId, at, body);
  return {
    [WEBHOOK_ID_HEADER]: eventId,
    [WEBHOOK_TIMESTAMP_HEADER]: String(Math.floor(at.getTime() / 1000)),
    [WEBHOOK_SIGNATURE_HEADER]: signature,
  };
}
