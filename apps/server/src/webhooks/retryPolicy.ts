import type { DeliveryOutcome } from "../store/WebhookStorage.js";

export interface RetryPolicy {
  /** WEBHOOK_RETRY_BASE_MS: the first retry waits up to this long. */
  baseMs: number;
  /** WEBHOOK_RETRY_MAX_DELAY_MS: no wait is longer. */
  maxDelayMs: number;
  /** WEBHOOK_GIVE_UP_AFTER_MS: an endpoint failing this long is disabled. */
  giveUpAfterMs: number;
}

/** How one attempt went: an HTTP answer, or none (a network error, a timeout, a refused address). */
export type AttemptResult = { readonly status: number } | { readonly error: string };

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * after the `failures`-th failure in a row, a uniformly random wait below
 * min(maxDelay, base × 2^(failures−1)). Full jitter spreads the retries of endpoints that failed
 * together (an outage at a receiver) instead of bringing them back in step.
 */
export function backoffDelay(failures: number, policy: Pick<RetryPolicy, "baseMs" | "maxDelayMs">, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 52));
  return Math.floor(random() * ceiling);
}

/**
 * What an attempt leads to: any 2xx delivers; 410 Gone disables the endpoint at once (the
 * receiver says it is gone for good); anything else is tried again after `backoffDelay`, until
 * the endpoint has been failing `giveUpAfterMs`, when it is disabled with the reason shown to
 * its owner.
 */
export function nextOutcome(
  result: AttemptResult,
  context: { attempt: number; failingSince: string | null; now: number },
  policy: RetryPolicy,
  random: () => number = Math.random,
): DeliveryOutcome {
  if ("status" in result && result.status >= 200 && result.status < 300) return { kind: "delivered" };
  if ("status" in result && result.status === 410) return { kind: "disable", reason: "the endpoint answered 410 Gone" };
  const since = context.failingSince === null ? context.now : Date.parse(context.failingSince);
  if (context.now - since >= policy.giveUpAfterMs) {
    const last = "status" in result ? `HTTP ${result.status}` : result.error;
    return { kind: "disable", reason: `no successful delivery for ${describe(policy.giveUpAfterMs)} (last: ${last})` };
  }
  return { kind: "retry", at: context.now + backoffDelay(context.attempt, policy, random) };
}

function describe(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours >= 48) return `${Math.round(hours / 24)} days`;
  if (hours >= 1) return `${Math.round(hours)} hours`;
  return `${Math.round(ms / 1000)} s`;
}
