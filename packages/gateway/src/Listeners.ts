/**
 * A set of callbacks for one kind of event, as both buses keep two of (messages, health).
 * Each `add` is its own subscription, even for the same function twice, and `emit` iterates a
 * copy, so a callback may unsubscribe (a gateway shutting down) while it is being called.
 */
export class Listeners<T> {
  readonly #callbacks = new Set<(value: T) => void>();

  /** @returns the unsubscriber */
  add(callback: (value: T) => void): () => void {
    const subscription = (value: T): void => callback(value);
    this.#callbacks.add(subscription);
    return () => {
      this.#callbacks.delete(subscription);
    };
  }

  emit(value: T): void {
    for (const callback of [...this.#callbacks]) callback(value);
  }

  clear(): void {
    this.#callbacks.clear();
  }
}
