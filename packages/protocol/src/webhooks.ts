import { z } from "zod";

/**
 * Outbound webhooks: endpoints a user registers to receive every change to their own todos,
 * signed per Standard Webhooks (https://www.standardwebhooks.com/). The body of each delivery
 * is the change event exactly as the socket sends it (`ChangeEvent`).
 */

export const WEBHOOK_URL_MAX = 2048;
export const WEBHOOK_DESCRIPTION_MAX = 200;

/** The Standard Webhooks headers on every delivery. */
export const WEBHOOK_ID_HEADER = "webhook-id";
export const WEBHOOK_TIMESTAMP_HEADER = "webhook-timestamp";
export const WEBHOOK_SIGNATURE_HEADER = "webhook-signature";

export const CreateWebhookBody = z.strictObject({
  /** https (http only where the server allows private targets); checked further by the server. */
  url: z.string().trim().min(1, "url is required").max(WEBHOOK_URL_MAX),
  description: z.string().trim().max(WEBHOOK_DESCRIPTION_MAX).optional(),
});
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

/** The outcome of the endpoint's latest attempt: `status` is null when no HTTP answer came. */
export const WebhookLastDelivery = z.object({
  status: z.number().int().nullable(),
  /** Why there was no answer (timeout, refused address…), or null. */
  error: z.string().nullable(),
  at: z.iso.datetime(),
});
export type WebhookLastDelivery = z.infer<typeof WebhookLastDelivery>;

export const Webhook = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  createdAt: z.iso.datetime(),
  /** Null while enabled; otherwise why it was disabled (410 Gone, or failing too long). */
  disabled: z.object({ at: z.iso.datetime(), reason: z.string() }).nullable(),
  lastDelivery: WebhookLastDelivery.nullable(),
  /** When its current run of failed attempts began; null when the latest attempt succeeded. */
  failingSince: z.iso.datetime().nullable(),
});
export type Webhook = z.infer<typeof Webhook>;

/** The secret (`whsec_` + base64) is shown once, here; later listings never include it. */
export const CreateWebhookResponse = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  secret: z.string().startsWith("whsec_"),
  createdAt: z.iso.datetime(),
});
export type CreateWebhookResponse = z.infer<typeof CreateWebhookResponse>;

export const WebhookListResponse = z.object({ webhooks: z.array(Webhook) });
export type WebhookListResponse = z.infer<typeof WebhookListResponse>;

/** One attempt to deliver one event to one endpoint. */
export const WebhookAttempt = z.object({
  /** The `webhook-id` header: the same on every attempt of this event to this endpoint. */
  eventId: z.string(),
  seq: z.number().int().min(1),
  /** 1 for the first try. */
  attempt: z.number().int().min(1),
  at: z.iso.datetime(),
  /** The HTTP status, or null when none came (then `error` says why). */
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int().min(0),
  /** The start of the response body (truncated), or null. */
  responseBody: z.string().nullable(),
  /** When this event is tried again; null once it was delivered or given up. */
  nextRetryAt: z.iso.datetime().nullable(),
});
export type WebhookAttempt = z.infer<typeof WebhookAttempt>;

/** The endpoint's recent attempts, newest first. */
export const WebhookDeliveriesResponse = z.object({ deliveries: z.array(WebhookAttempt) });
export type WebhookDeliveriesResponse = z.infer<typeof WebhookDeliveriesResponse>;
