import type { Webhook } from "@tandem/protocol";

/** How an endpoint is doing, for its row: a kind to style and a sentence (times shown beside it). */
export type WebhookStatus =
  | { kind: "disabled"; reason: string; at: string }
  | { kind: "failing"; since: string; last: string }
  | { kind: "ok"; at: string; last: string }
  | { kind: "new" };

/** What the last attempt got: "HTTP 204", or why nothing came. */
export function describeAttempt(last: NonNullable<Webhook["lastDelivery"]>): string {
  return last.status === null ? (last.error ?? "no answer") : `HTTP ${last.status}`;
}

export function webhookStatus(webhook: Webhook): WebhookStatus {
  if (webhook.disabled !== null) return { kind: "disabled", reason: webhook.disabled.reason, at: webhook.disabled.at };
  const last = webhook.lastDelivery;
  if (last === null) return { kind: "new" };
  if (webhook.failingSince !== null) return { kind: "failing", since: webhook.failingSince, last: describeAttempt(last) };
  return { kind: "ok", at: last.at, last: describeAttempt(last) };
}
