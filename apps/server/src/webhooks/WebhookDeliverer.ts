import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { ClaimedDelivery, WebhookStorage } from "../store/WebhookStorage.js";
import { nextOutcome, type RetryPolicy } from "./retryPolicy.js";
import { sendWebhook, type SendOptions } from "./sendWebhook.js";
import { signedHeaders, webhookEventId } from "./signing.js";

export interface DelivererOptions extends RetryPolicy, SendOptions {
  /** WEBHOOK_POLL_MS: how often it looks without being woken (retries due, other instances' commits). */
  pollMs: number;
  /** Endpoints one instance delivers to at once. */
  concurrency?: number;
  /** How many attempts are kept per endpoint for `GET /api/webhooks/:id/deliveries`. */
  keepAttempts?: number;
  logger: Logger;
}

/** Endpoints one instance delivers to at once: each is one HTTP request in flight. */
export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_KEEP_ATTEMPTS = 50;
/** A wake-up waits this long for more commits, so a burst of writes costs one look, not one each. */
const WAKE_DELAY_MS = 20;
/**
 * A lease outlives the longest attempt (its timeout) by this much, so it never lapses while the
 * request that holds it is still running; one left by a crashed instance lapses after it.
 */
const LEASE_MARGIN_MS = 60_000;

/**
 * Delivers the outbox. It is woken when this instance commits a change (`wake`, called from the
 * change feed) and otherwise looks every `pollMs`. Each look claims due endpoints (leasing them,
 * see WebhookStorage) and POSTs the head of each one's queue, signed; the outcome (retry policy:
 * retryPolicy.ts) is recorded while the lease is held. An endpoint that got its delivery through
 * is due again at once, so its queue drains one event after another, in seq order.
 *
 * Delivery is at least once: an instance that dies mid-request leaves its lease to lapse, and the
 * attempt is made again with the same `webhook-id`. A clean `stop()` lets requests in flight
 * finish and records them, so a restart repeats nothing.
 */
export class WebhookDeliverer {
  readonly #storage: WebhookStorage;
  readonly #options: DelivererOptions;
  readonly #owner = randomUUID();
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | null = null;
  /** When the pending timer fires (epoch ms). */
  #timerAt = 0;
  #looking: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  constructor(storage: WebhookStorage, options: DelivererOptions) {
    this.#storage = storage;
    this.#options = options;
  }

  start(): void {
    this.#schedule(0);
  }

  /** Something was committed: look soon. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#looking !== null) {
      this.#again = true;
      return;
    }
    this.#schedule(WAKE_DELAY_MS);
  }

  /** Stops claiming, and waits for the attempts in flight to be recorded. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#looking;
    await Promise.allSettled([...this.#inFlight]);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    const at = Date.now() + delayMs;
    if (this.#timer !== null) {
      // An earlier look stays; a later one (the poll) gives way to a wake-up.
      if (this.#timerAt <= at) return;
      clearTimeout(this.#timer);
    }
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#looking = this.#look().finally(() => {
        this.#looking = null;
        const again = this.#again;
        this.#again = false;
        this.#schedule(again ? 0 : this.#options.pollMs);
      });
    }, delayMs);
    this.#timer.unref();
  }

  async #look(): Promise<void> {
    const free = (this.#options.concurrency ?? DEFAULT_CONCURRENCY) - this.#inFlight.size;
    if (free <= 0 || this.#stopped) return;
    try {
      const now = Date.now();
      if (!(await this.#storage.hasDue(now))) return;
      const claimed = await this.#storage.claim(this.#owner, now, now + this.#options.timeoutMs + LEASE_MARGIN_MS, free);
      for (const delivery of claimed) {
        const attempt = this.#deliver(delivery).finally(() => {
          this.#inFlight.delete(attempt);
          // The endpoint's next event (or another endpoint) may be waiting.
          this.wake();
        });
        this.#inFlight.add(attempt);
      }
    } catch (err) {
      // The database is down or busy: the next poll tries again.
      this.#options.logger.warn({ err }, "webhook deliverer could not claim deliveries");
    }
  }

  async #deliver(delivery: ClaimedDelivery): Promise<void> {
    const eventId = webhookEventId(delivery.endpointId, delivery.seq);
    const started = Date.now();
    const headers = signedHeaders(delivery.secret, eventId, new Date(started), delivery.body);
    const result = await sendWebhook(new URL(delivery.url), headers, delivery.body, this.#options);
    const now = Date.now();
    const outcome = nextOutcome(result, { attempt: delivery.attempt, failingSince: delivery.failingSince, now }, this.#options);
    const attempt = {
      seq: delivery.seq,
      attempt: delivery.attempt,
      at: new Date(now).toISOString(),
      status: "status" in result ? result.status : null,
      error: "error" in result ? result.error : null,
      durationMs: now - started,
      responseBody: result.responseBody,
      nextRetryAt: outcome.kind === "retry" ? new Date(outcome.at).toISOString() : null,
    };
    const log = this.#options.logger;
    try {
      const held = await this.#storage.complete(this.#owner, delivery, attempt, outcome, this.#options.keepAttempts ?? DEFAULT_KEEP_ATTEMPTS);
      if (!held) log.warn({ endpointId: delivery.endpointId, seq: delivery.seq }, "webhook lease lapsed before its attempt was recorded");
      if (outcome.kind === "disable") log.info({ endpointId: delivery.endpointId, reason: outcome.reason }, "webhook endpoint disabled");
    } catch (err) {
      // Not recorded: the lease lapses and the attempt is made again, with the same webhook-id.
      log.error({ err, endpointId: delivery.endpointId, seq: delivery.seq }, "webhook attempt could not be recorded");
    }
  }
}
