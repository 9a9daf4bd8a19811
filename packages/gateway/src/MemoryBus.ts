import type { Bus, BusMessage } from "./Bus.js";
import { Listeners } from "./Listeners.js";

/**
 * The bus of a single-process deployment: a hub in memory. Several gateways in one process may
 * share one MemoryBus, which is how tests stand up "two instances" without Redis.
 *
 * Delivery is synchronous and in publish order, so a test can assert on it without waiting.
 */
export class MemoryBus implements Bus {
  readonly kind = "memory";
  readonly #handlers = new Listeners<BusMessage>();
  readonly #listeners = new Listeners<boolean>();
  #healthy = true;
  #closed = false;

  get healthy(): boolean {
    return this.#healthy && !this.#closed;
  }

  publish(message: BusMessage): void {
    if (!this.healthy) return;
    this.#handlers.emit(message);
  }

  subscribe(handler: (message: BusMessage) => void): () => void {
    return this.#handlers.add(handler);
  }

  onStateChange(listener: (healthy: boolean) => void): () => void {
    return this.#listeners.add(listener);
  }

  ping(): Promise<void> {
    return this.healthy ? Promise.resolve() : Promise.reject(new Error("memory bus is down"));
  }

  /**
   * Simulates an outage (and the recovery from it), so the gateway's reaction to an unhealthy
   * bus can be exercised without a real broker. While down, published messages are dropped.
   */
  setHealthy(healthy: boolean): void {
    if (this.#closed) return;
    this.#transition(healthy);
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#transition(false);
      this.#closed = true;
      this.#handlers.clear();
      this.#listeners.clear();
    }
    return Promise.resolve();
  }

  #transition(healthy: boolean): void {
    if (this.#healthy === healthy) return;
    this.#healthy = healthy;
    this.#listeners.emit(healthy);
  }
}
