import type { Seq } from "@tandem/protocol";

/** A registered endpoint as storage keeps it. Times are ISO strings. */
export interface WebhookEndpointRecord {
  readonly id: string;
  readonly userId: string;
  readonly url: string;
  readonly description: string;
  /** `whsec_` + base64: what deliveries are signed with. */
  readonly secret: string;
  readonly createdAt: string;
  readonly disabledAt: string | null;
  readonly disabledReason: string | null;
  /** When the current run of failed attempts began; null after a success. */
  readonly failingSince: string | null;
  /** The latest attempt: its time, its HTTP status (null: no answer) and why it failed. */
  readonly lastAttemptAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
}

/** One attempt, as kept for `GET /api/webhooks/:id/deliveries`. */
export interface WebhookAttemptRecord {
  readonly seq: Seq;
  readonly attempt: number;
  readonly at: string;
  readonly status: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  readonly responseBody: string | null;
  readonly nextRetryAt: string | null;
}

/** The head of one endpoint's queue, leased to the instance that claimed it. */
export interface ClaimedDelivery {
  readonly endpointId: string;
  readonly userId: string;
  readonly url: string;
  readonly secret: string;
  readonly seq: Seq;
  readonly body: string;
  /** This attempt's number: 1 for the first try. */
  readonly attempt: number;
  /** The endpoint's `failingSince` when it was claimed. */
  readonly failingSince: string | null;
}

/** What became of a claimed delivery, decided by the deliverer (webhooks/retryPolicy.ts). */
export type DeliveryOutcome =
  | { readonly kind: "delivered" }
  /** Tried again at `at` (epoch ms); the endpoint's later events wait behind it. */
  | { readonly kind: "retry"; readonly at: number }
  /** The endpoint is disabled with this reason, and its queued deliveries are dropped. */
  | { readonly kind: "disable"; readonly reason: string };

/**
 * The outbound webhooks' storage: endpoints, their outbox (queued by `TodoStorage.change` in
 * the change's own transaction, see `TodoWrites.deliveries`) and their recent attempts.
 *
 * Each endpoint's queue goes out in seq order, one delivery at a time: an endpoint is "due" when
 * the head of its queue may be tried, and `claim` leases due endpoints to one instance until
 * `leaseUntil`, atomically, so two instances (two processes on one SQLite file, or on one MongoDB)
 * never attempt the same delivery at once. `complete` applies an attempt's outcome only while the
 * caller still holds the lease.
 */
export interface WebhookStorage {
  /** @returns false (and writes nothing) when the user already has `maxPerUser` endpoints */
  create(endpoint: Pick<WebhookEndpointRecord, "id" | "userId" | "url" | "description" | "secret" | "createdAt">, maxPerUser: number): Promise<boolean>;
  /** The user's endpoints, oldest first. */
  list(userId: string): Promise<WebhookEndpointRecord[]>;
  /** @returns false when the user has no such endpoint. Its queue and attempts go with it. */
  delete(userId: string, id: string): Promise<boolean>;
  /** Enables a disabled endpoint: it receives the changes made from now on. @returns false when the user has no such endpoint */
  enable(userId: string, id: string): Promise<boolean>;
  /** The endpoint's newest `limit` attempts, newest first; null when the user has no such endpoint. */
  attempts(userId: string, id: string, limit: number): Promise<WebhookAttemptRecord[] | null>;
  /** Whether any endpoint is due at `now` (epoch ms): a read, so idle polling writes nothing. */
  hasDue(now: number): Promise<boolean>;
  /** Leases up to `limit` due endpoints to `owner` until `leaseUntil` and hands out the head of each queue. */
  claim(owner: string, now: number, leaseUntil: number, limit: number): Promise<ClaimedDelivery[]>;
  /**
   * Records the attempt (keeping the endpoint's newest `keepAttempts`) and applies its outcome,
   * releasing the lease. @returns false when `owner` no longer held the lease (nothing written)
   */
  complete(owner: string, delivery: ClaimedDelivery, attempt: WebhookAttemptRecord, outcome: DeliveryOutcome, keepAttempts: number): Promise<boolean>;
}
