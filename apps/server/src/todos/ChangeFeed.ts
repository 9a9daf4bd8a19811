import type { ChangeEvent } from "@tandem/protocol";

export type ChangeListener = (event: ChangeEvent) => void;

/**
 * The single in-process stream of committed changes. The todos service publishes each event
 * after its transaction commits; the socket relay (and anything else) subscribes. A listener that
 * throws is reported and never stops the others, nor the write that produced the event.
 */
export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();

  constructor(private readonly onListenerError: (err: unknown, event: ChangeEvent) => void) {}

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(events: readonly ChangeEvent[]): void {
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (err) {
          this.onListenerError(err, event);
        }
      }
    }
  }
}
