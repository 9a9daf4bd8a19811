import { CloseCode, PROTOCOL_VERSION, type WebSocketGrant } from "@tandem/protocol";
import { isUnauthorized } from "../api/errors";
import type { Environment } from "../environment";
import { backoffDelay } from "./backoff";
import { nextStatus, wantsSocket, type ConnectionEvent, type ConnectionStatus } from "./connectionStatus";
import type { OpenSocket, SocketHandle } from "./socket";

/**
 * A socket must stay open this long before its reconnect backoff starts again from the first
 * step; otherwise a server that accepts and at once closes (1013, overloaded) would be hit
 * again within half a second, forever.
 */
export const STABLE_CONNECTION_MS = 10_000;

/**
 * What the reconnector is doing about a socket right now (its public face is the status):
 *
 * - `none`: nothing (not started, offline, signed out, outdated, or between two steps);
 * - `waiting`: a backoff delay runs before the next attempt; `cancel` stops it;
 * - `attempting`: the stream's `since`, the grant and then the socket are being asked for;
 * - `open`: the socket is open, since `openedAt`.
 */
type Link =
  | { readonly kind: "none" }
  | { readonly kind: "waiting"; readonly cancel: () => void }
  | { readonly kind: "attempting"; readonly socket: SocketHandle | null }
  | { readonly kind: "open"; readonly socket: SocketHandle; readonly openedAt: number };

const NO_LINK: Link = { kind: "none" };

export interface ReconnectorOptions {
  /** The seq the next socket replays from; null when the attempt was abandoned meanwhile. */
  since(): Promise<number | null>;
  fetchGrant(since: number): Promise<WebSocketGrant>;
  openSocket: OpenSocket;
  env: Environment;
  /**
   * Every status change, in order (epoch ms): the one way the status leaves this object. With
   * `signedOut` comes the server's reason (a SignOutReason, from the 4001 close frame), or null
   * when the server did not say (a 401 on a request).
   */
  onStatus(status: ConnectionStatus, at: number, signOutReason: string | null): void;
  /** A text frame from the current socket; frames from a replaced one never arrive. */
  onMessage(data: string): void;
  /** The current socket's stream ended: it closed, was replaced, or never opened. */
  onInterrupted(): void;
}

/**
 * Holds one socket open for as long as the tab is signed in, and owns everything about that:
 * the `nextStatus` machine, capped exponential backoff with full jitter, the browser's
 * `online` / `offline` / `visibilitychange` signals, and `dispose()`.
 *
 * Each attempt gets a new `generation`; callbacks from an older socket or an older request
 * compare theirs and do nothing, so a replaced socket can never deliver a late message.
 */
export class Reconnector {
  private status: ConnectionStatus = "idle";
  private link: Link = NO_LINK;
  private generation = 0;
  /** Failed attempts since the last stable connection: the backoff step. */
  private failures = 0;
  private unsubscribes: Array<() => void> = [];

  constructor(private readonly options: ReconnectorOptions) {}

  get connectionStatus(): ConnectionStatus {
    return this.status;
  }

  start(): void {
    if (this.status !== "idle") return;
    const { env } = this.options;
    this.unsubscribes = [
      env.on("online", () => this.wentOnline()),
      env.on("offline", () => this.wentOffline()),
      env.on("visible", () => this.becameVisible()),
    ];
    this.dispatch("start");
    if (env.isOnline()) void this.connect();
    else this.wentOffline();
  }

  /** Stops for good: closes the socket, cancels timers, forgets listeners. */
  dispose(): void {
    this.drop();
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    this.unsubscribes = [];
    this.dispatch("stop");
  }

  /**
   * Something the stream depends on failed (a refetch, say): a 401 ends the session, anything
   * else drops the socket and reconnects after a backoff delay.
   */
  failed(error: unknown): void {
    if (isUnauthorized(error)) this.sessionEnded();
    else this.lose(this.link.kind === "open" ? this.link.openedAt : null);
  }

  /**
   * The person asked to try again now ("Try now"): skips the rest of a backoff wait, or, when
   * the browser is back online but missed telling us, leaves `offline`. Does nothing while an
   * attempt is already under way or nothing is to be retried.
   */
  tryNow(): void {
    if (this.status === "offline") {
      if (this.options.env.isOnline()) this.wentOnline();
      return;
    }
    this.reconnectNow();
  }

  /** The server ended the session (close 4001, or a 401 on any request): never reconnect. */
  sessionEnded(reason: string | null = null): void {
    this.drop();
    this.dispatch("signedOut", reason);
  }

  /**
   * Another tab of this browser saw the network come back or came to the foreground: this tab,
   * holding the socket for both, may be a throttled background tab that missed it.
   */
  wake(): void {
    this.becameVisible();
  }

  private dispatch(event: ConnectionEvent, signOutReason: string | null = null): void {
    const next = nextStatus(this.status, event);
    if (next === this.status) return;
    this.status = next;
    this.options.onStatus(next, this.options.env.now(), next === "signedOut" ? signOutReason : null);
  }

  /** Abandons the current attempt, socket or delay: whatever it still reports is ignored. */
  private drop(): void {
    this.generation += 1;
    const link = this.link;
    this.link = NO_LINK;
    if (link.kind === "waiting") link.cancel();
    if (link.kind === "attempting" || link.kind === "open") {
      link.socket?.close();
      this.options.onInterrupted();
    }
  }

  private async connect(): Promise<void> {
    this.drop();
    const generation = this.generation;
    const current = () => generation === this.generation;
    this.link = { kind: "attempting", socket: null };
    try {
      const since = await this.options.since();
      // Null only when the follower's stream was interrupted, which only a newer attempt does.
      if (since === null || !current()) return;
      // A fresh grant every time: its ticket is single-use and expires after 60 s.
      const grant = await this.options.fetchGrant(since);
      if (!current()) return;
      if (grant.protocolVersion !== PROTOCOL_VERSION) {
        this.drop();
        this.dispatch("outdated");
        return;
      }
      const socket = this.options.openSocket(grant.uri, {
        onOpen: () => current() && this.opened(socket),
        onMessage: (data) => current() && this.options.onMessage(data),
        onClose: (code, reason) => current() && this.closed(code, reason),
      });
      this.link = { kind: "attempting", socket };
    } catch (error) {
      if (current()) this.failed(error);
    }
  }

  private opened(socket: SocketHandle): void {
    this.link = { kind: "open", socket, openedAt: this.options.env.now() };
    this.dispatch("opened");
  }

  private closed(code: number, reason: string): void {
    const openedAt = this.link.kind === "open" ? this.link.openedAt : null;
    // The stream is still this attempt's until dropped, but its socket is closed already:
    // forget the socket, so that dropping the attempt does not close it a second time.
    this.link = { kind: "attempting", socket: null };
    if (code === CloseCode.SIGNED_OUT) this.sessionEnded(reason === "" ? null : reason);
    // This session goes on under a new id (its password was changed here): the cookie is
    // already the new one, so a new grant works at once.
    else this.lose(openedAt, code === CloseCode.SESSION_RENEWED);
  }

  /**
   * The socket or attempt failed for a reason worth retrying: wait, then try again. `now` skips
   * the wait, unless attempts are already failing (a server that kept asking must not be hammered).
   */
  private lose(openedAt: number | null, now = false): void {
    const { env } = this.options;
    const wasStable = openedAt !== null && env.now() - openedAt >= STABLE_CONNECTION_MS;
    this.drop();
    this.dispatch("lost");
    if (this.status !== "reconnecting") return;
    if (!env.isOnline()) {
      this.dispatch("wentOffline");
      return;
    }
    if (wasStable) this.failures = 0;
    const delay = now && this.failures === 0 ? 0 : backoffDelay(this.failures, env.random);
    this.failures += 1;
    this.link = { kind: "waiting", cancel: env.setTimer(() => void this.connect(), delay) };
  }

  /** Skips the rest of a backoff wait (on `online`, and when the tab becomes visible). */
  private reconnectNow(): void {
    if (this.status !== "reconnecting" || this.link.kind !== "waiting") return;
    this.failures = 0;
    void this.connect();
  }

  private wentOffline(): void {
    if (!wantsSocket(this.status)) return;
    this.drop();
    this.dispatch("wentOffline");
  }

  private wentOnline(): void {
    if (this.status !== "offline") {
      this.reconnectNow();
      return;
    }
    this.dispatch("wentOnline");
    this.failures = 0;
    void this.connect();
  }

  private becameVisible(): void {
    // A tab in the background may have missed its `online` event while throttled.
    if (this.status === "offline" && this.options.env.isOnline()) this.wentOnline();
    else this.reconnectNow();
  }
}
