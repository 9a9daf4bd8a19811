import type { ConnectionStatus } from "./connectionStatus";

/**
 * What the tabs of one browser tell each other about the one socket they share (see
 * socketLeader.ts). Only tabs of this origin can post on a BroadcastChannel, but a tab may run
 * an older or newer build, so every message is checked on arrival and its version is part of
 * the channel's and the lock's names: two builds never share a socket, each elects its own.
 *
 * - `frame`: a text frame the leader's socket received, passed on as it came;
 * - `status`: the leader's connection status changed (epoch ms);
 * - `hello`: a tab that is not the leader asks for the status (the leader answers `status`);
 * - `wake`: the network came back or a tab came to the foreground: the leader, perhaps a
 *   throttled background tab, should retry its socket now instead of after its backoff.
 */
export type TabMessage =
  | { readonly type: "frame"; readonly data: string }
  | { readonly type: "status"; readonly status: ConnectionStatus; readonly at: number; readonly reason?: string | null }
  | { readonly type: "hello" }
  | { readonly type: "wake" };

export const TAB_PROTOCOL = 1;

/** The lock its holder keeps for as long as it holds the socket: one per user per browser. */
export const socketLockName = (userId: string) => `tandem-socket:v${TAB_PROTOCOL}:${userId}`;
export const tabChannelName = (userId: string) => `tandem-tabs:v${TAB_PROTOCOL}:${userId}`;

const STATUSES: ReadonlySet<string> = new Set<ConnectionStatus>([
  "idle",
  "connecting",
  "live",
  "reconnecting",
  "offline",
  "signedOut",
  "outdated",
]);

/** A message from another tab, or null when it is not one this build understands. */
export function readTabMessage(value: unknown): TabMessage | null {
  if (typeof value !== "object" || value === null || !("type" in value)) return null;
  switch (value.type) {
    case "frame":
      return "data" in value && typeof value.data === "string" ? { type: "frame", data: value.data } : null;
    case "status":
      return "status" in value && typeof value.status === "string" && STATUSES.has(value.status) && "at" in value && typeof value.at === "number"
        ? { type: "status", status: value.status as ConnectionStatus, at: value.at, reason: "reason" in value && typeof value.reason === "string" ? value.reason : null }
        : null;
    case "hello":
    case "wake":
      return { type: value.type };
    default:
      return null;
  }
}

export interface TabChannel {
  post(message: TabMessage): void;
  close(): void;
}

/** The browser features the tabs coordinate with, behind one seam so tests can pass fakes. */
export interface TabCoordination {
  /**
   * Asks for the exclusive lock `name`. `waiting` runs at once if another tab holds it, then
   * `granted` once this tab does. The returned function releases the lock, or withdraws the
   * request when it was not granted yet.
   */
  acquire(name: string, handlers: { waiting(): void; granted(): void }): () => void;
  /** Joins the channel `name`; `onMessage` gets every message the *other* tabs post there. */
  open(name: string, onMessage: (message: TabMessage) => void): TabChannel;
}

/**
 * The Web Locks API and BroadcastChannel, or null where either is missing (each tab then keeps
 * its own socket). A lock is released by the browser when its tab closes or crashes, which is
 * what makes the hand-over prompt: the next tab in the queue is granted it at once.
 */
export function browserTabCoordination(): TabCoordination | null {
  if (typeof BroadcastChannel === "undefined" || typeof navigator === "undefined" || !navigator.locks) return null;
  const locks = navigator.locks;
  return {
    acquire(name, { waiting, granted }) {
      const controller = new AbortController();
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      const hold = () => {
        granted();
        return held;
      };
      void locks
        .request(name, { ifAvailable: true }, (lock) => {
          if (lock !== null) return hold();
          waiting();
          // Queued behind the holder; an abort withdraws it (and rejects, which is expected).
          void locks.request(name, { signal: controller.signal }, hold).catch(() => {});
          return undefined;
        })
        .catch(() => {});
      return () => {
        controller.abort();
        release();
      };
    },
    open(name, onMessage) {
      const channel = new BroadcastChannel(name);
      channel.onmessage = (event: MessageEvent<unknown>) => {
        const message = readTabMessage(event.data);
        if (message !== null) onMessage(message);
      };
      return {
        post: (message) => channel.postMessage(message),
        close: () => channel.close(),
      };
    },
  };
}
