/**
 * Short-lived shared state that must be the same on every instance: one-time socket tickets, how
 * many each user was issued, and the webhook-id idempotency window. In-process memory for one
 * instance; Redis when REDIS_URL is set, so a ticket issued by one instance can be redeemed on
 * another. A store that cannot answer (Redis down) fails as `unavailable` (503), never as a bug.
 */
export interface KeyValue {
  /** Stores `value` under `key` for `ttlMs`, unless the key already exists. @returns true if stored */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Reads and deletes in one step, so two callers can never both get the value. */
  take(key: string): Promise<string | null>;
  /**
   * Adds one to the count under `key`. A count that does not exist yet (or has expired) starts
   * from zero and expires `ttlMs` later; counting again does not put that off.
   * @returns the new count and the time left before it expires
   */
  increment(key: string, ttlMs: number): Promise<{ count: number; expiresInMs: number }>;
  close(): Promise<void>;
}
