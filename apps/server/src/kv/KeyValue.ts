/**
 * Short-lived shared state that must be the same on every instance: one-time socket tickets and
 * the webhook-id idempotency window. In-process memory for one instance; Redis when REDIS_URL is
 * set, so a ticket issued by one instance can be redeemed on another.
 */
export interface KeyValue {
  /** Stores `value` under `key` for `ttlMs`, unless the key already exists. @returns true if stored */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Reads and deletes in one step, so two callers can never both get the value. */
  take(key: string): Promise<string | null>;
  close(): Promise<void>;
}
