import type { WriteResult } from "../state/pendingWrite";

/** What one tab tells the others of the same user about the shared outbox. */
export type OutboxMessage =
  /** The stored outbox changed (a write recorded, failed, retried or discarded): read it again. */
  | { type: "changed" }
  /** A write was acknowledged, with the server's answer, so every tab shows the confirmed todo. */
  | { type: "acknowledged"; writeId: string; result: WriteResult };

export interface OutboxChannel {
  post(message: OutboxMessage): void;
  close(): void;
}

/**
 * A BroadcastChannel per user (`tandem-outbox:<userId>`), so every tab shows the same pending
 * list. Null where the API is missing: each tab then shows its own writes until it reloads.
 */
export function browserOutboxChannel(userId: string, onMessage: (message: OutboxMessage) => void): OutboxChannel | null {
  if (typeof BroadcastChannel === "undefined") return null;
  const channel = new BroadcastChannel(`tandem-outbox:${userId}`);
  channel.onmessage = (event: MessageEvent<OutboxMessage>) => onMessage(event.data);
  return {
    post: (message) => channel.postMessage(message),
    close: () => channel.close(),
  };
}
