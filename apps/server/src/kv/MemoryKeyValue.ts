import type { KeyValue } from "./KeyValue.js";

/** How often expired entries are swept, so keys that are never read again do not pile up. */
const SWEEP_INTERVAL_MS = 30_000;

/** The single-instance KeyValue: a Map with expiry times. */
export class MemoryKeyValue implements KeyValue {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key) !== undefined) return false;
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    return true;
  }

  async take(key: string): Promise<string | null> {
    const value = this.live(key)?.value;
    this.entries.delete(key);
    return value ?? null;
  }

  async increment(key: string, ttlMs: number): Promise<{ count: number; expiresInMs: number }> {
    const now = this.now();
    const entry = this.live(key) ?? { value: "0", expiresAt: now + ttlMs };
    const count = Number(entry.value) + 1;
    entry.value = String(count);
    this.entries.set(key, entry);
    return { count, expiresInMs: entry.expiresAt - now };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private live(key: string): { value: string; expiresAt: number } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
