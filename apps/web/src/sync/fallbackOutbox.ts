import type { PendingWrite, WriteFailure, WriteResult } from "../state/pendingWrite";
import { memoryCopyOf, type OutboxStore, type StoredWrite } from "./outboxStore";

/**
 * The outbox's store as the outbox uses it: the browser's durable one until the browser refuses a
 * write to it (its storage is full, or its database went away); from then on a copy in this tab's
 * memory, holding what the durable one still gives, so every write shown is still sent, in order.
 */
export class FallbackOutbox implements OutboxStore {
  private store: OutboxStore;

  constructor(private readonly durable: OutboxStore) {
    this.store = durable;
  }

  /** Whether unsent writes live only in this tab's memory now. */
  get inMemory(): boolean {
    return this.store !== this.durable;
  }

  /** Adds a write; resolves whether it is stored durably (false: kept in this tab's memory only). */
  async addDurably(write: PendingWrite): Promise<boolean> {
    try {
      await this.store.add(write);
      return !this.inMemory;
    } catch {
      if (!this.inMemory) this.store = await memoryCopyOf(this.store);
      await this.store.add(write);
      return false;
    }
  }

  async add(write: PendingWrite): Promise<void> {
    await this.addDurably(write);
  }

  all(): Promise<StoredWrite[]> {
    return this.store.all();
  }

  acknowledged(writeId: string, result: WriteResult): Promise<void> {
    return this.store.acknowledged(writeId, result);
  }

  failed(writeId: string, failure: WriteFailure): Promise<void> {
    return this.store.failed(writeId, failure);
  }

  retry(writeId: string): Promise<void> {
    return this.store.retry(writeId);
  }

  discard(writeId: string): Promise<void> {
    return this.store.discard(writeId);
  }

  clear(): Promise<void> {
    return this.store.clear();
  }
}
