import { CloseCode, type ChangeEvent, type DeviceId, type ServerMessage, type TodoListResponse, type WebSocketGrant } from "@tandem/protocol";
import { isUnauthorized } from "../api/errors";
import type { Environment } from "../environment";
import { backoffDelay } from "./backoff";
import { nextStatus, wantsSocket, type ConnectionEvent, type ConnectionStatus } from "./connectionStatus";
import { decide } from "./sequencer";
import { parseServerMessage } from "./serverMessage";
import type { OpenSocket, SocketHandle } from "./socket";

/**
 * A socket must stay open this long before its reconnect backoff starts again from the first
 * step; otherwise a server that accepts and at once closes (1013, overloaded) would be hit
 * again within half a second, forever.
 */
export const STABLE_CONNECTION_MS = 10_000;

/** Where the sync client puts what it learns; in the app, the state's actions. */
export interface SyncSink {
  /** Read just before a snapshot request leaves; handed back with its answer. */
  snapshotMark(): number;
  snapshotLoaded(snapshot: TodoListResponse, mark: number): void;
  changeReceived(event: ChangeEvent): void;
  statusChanged(status: ConnectionStatus): void;
  /** The client just confirmed it is up to date with the server (epoch ms). */
  synced(at: number): void;
  /** The server ended the session (close 4001 or a 401). The client has already stopped. */
  signedOut(): void;
}

export interface SyncClientOptions {
  deviceId: DeviceId;
  fetchSnapshot(): Promise<TodoListResponse>;
  fetchGrant(since: number): Promise<WebSocketGrant>;
  openSocket: OpenSocket;
  sink: SyncSink;
  env: Environment;
}

/**
 * Keeps the app state's copy of the list following the server: a snapshot, then a socket opened
 * with `since=<seq of what we have>` that replays what was missed and then streams live
 * changes. Every status change goes through the `nextStatus` machine.
 *
 * Each connection attempt gets a new `generation`; callbacks from an older socket or an older
 * request compare theirs and do nothing, so a replaced socket can never apply a late event.
 */
export class SyncClient {
  private status: ConnectionStatus = "idle";
  /** The seq of the last change accounted for (applied, skipped as our own, or in a snapshot). */
  private lastSeq = 0;
  private needsSnapshot = true;
  private generation = 0;
  private socket: SocketHandle | null = null;
  private openedAt: number | null = null;
  private cancelRetry: (() => void) | null = null;
  private attempt = 0;
  /** While a refetch is under way, messages wait here and are replayed over its snapshot. */
  private refetching = false;
  private buffered: ServerMessage[] = [];
  private unsubscribes: Array<() => void> = [];

  constructor(private readonly options: SyncClientOptions) {}

  get connectionStatus(): ConnectionStatus {
    return this.status;
  }

  get seq(): number {
    return this.lastSeq;
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

  /** Skips the rest of a backoff wait (used on `online` and when the tab becomes visible). */
  reconnectNow(): void {
    if (this.status !== "reconnecting" || this.cancelRetry === null) return;
    this.attempt = 0;
    void this.connect();
  }

  private dispatch(event: ConnectionEvent): void {
    const next = nextStatus(this.status, event);
    if (next === this.status) return;
    this.status = next;
    this.options.sink.statusChanged(next);
  }

  /** Abandons the current attempt or socket: whatever it still reports will be ignored. */
  private drop(): void {
    this.generation += 1;
    this.socket?.close();
    this.socket = null;
    this.openedAt = null;
    this.cancelRetry?.();
    this.cancelRetry = null;
    this.refetching = false;
    this.buffered = [];
  }

  private async connect(): Promise<void> {
    this.drop();
    const generation = this.generation;
    const current = () => generation === this.generation;
    try {
      if (this.needsSnapshot) await this.loadSnapshot(current);
      if (!current()) return;
      // A fresh grant every time: its ticket is single-use and expires after 60 s.
      const grant = await this.options.fetchGrant(this.lastSeq);
      if (!current()) return;
      this.socket = this.options.openSocket(grant.uri, {
        onOpen: () => current() && this.opened(),
        onMessage: (data) => current() && this.received(data, current),
        onClose: (code) => current() && this.closed(code),
      });
    } catch (error) {
      if (current()) this.failed(error);
    }
  }

  private async loadSnapshot(current: () => boolean): Promise<void> {
    const { sink, env } = this.options;
    const mark = sink.snapshotMark();
    const snapshot = await this.options.fetchSnapshot();
    if (!current()) return;
    sink.snapshotLoaded(snapshot, mark);
    this.lastSeq = snapshot.seq;
    this.needsSnapshot = false;
    sink.synced(env.now());
  }

  private opened(): void {
    this.openedAt = this.options.env.now();
    this.dispatch("opened");
    this.options.sink.synced(this.openedAt);
  }

  private received(data: string, current: () => boolean): void {
    const message = parseServerMessage(data);
    if (message === null) {
      console.warn("sync: ignoring a socket frame that is not a server message");
      return;
    }
    if (this.refetching) {
      this.buffered.push(message);
      return;
    }
    this.handle(message, current);
    this.options.sink.synced(this.options.env.now());
  }

  private handle(message: ServerMessage, current: () => boolean): void {
    const decision = decide(message, this.lastSeq, this.options.deviceId);
    switch (decision.action) {
      case "apply":
        this.options.sink.changeReceived(decision.event);
        this.lastSeq = decision.seq;
        break;
      case "skipOwn":
        this.lastSeq = decision.seq;
        break;
      case "duplicate":
        break;
      case "refetch":
        this.refetch(current);
        break;
    }
  }

  /** Refetches the list on the open socket; its messages wait and are replayed afterwards. */
  private refetch(current: () => boolean): void {
    this.refetching = true;
    this.needsSnapshot = true;
    this.loadSnapshot(current).then(
      () => {
        if (!current()) return;
        this.refetching = false;
        const waiting = this.buffered;
        this.buffered = [];
        for (const message of waiting) {
          // A replayed message may itself reveal a gap: the rest then waits for that refetch.
          if (this.refetching) this.buffered.push(message);
          else this.handle(message, current);
        }
      },
      (error: unknown) => {
        // Start over with a new connection; it fetches the snapshot first (needsSnapshot).
        if (current()) this.failed(error);
      },
    );
  }

  private closed(code: number): void {
    this.socket = null;
    if (code === CloseCode.SIGNED_OUT) this.endSession();
    else this.lose();
  }

  private failed(error: unknown): void {
    if (isUnauthorized(error)) this.endSession();
    else this.lose();
  }

  private lose(): void {
    const { env } = this.options;
    const wasStable = this.openedAt !== null && env.now() - this.openedAt >= STABLE_CONNECTION_MS;
    this.drop();
    this.dispatch("lost");
    if (this.status !== "reconnecting") return;
    if (!env.isOnline()) {
      this.dispatch("wentOffline");
      return;
    }
    if (wasStable) this.attempt = 0;
    const delay = backoffDelay(this.attempt, env.random);
    this.attempt += 1;
    this.cancelRetry = env.setTimer(() => {
      this.cancelRetry = null;
      void this.connect();
    }, delay);
  }

  private endSession(): void {
    this.drop();
    this.dispatch("signedOut");
    this.options.sink.signedOut();
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
    this.attempt = 0;
    void this.connect();
  }

  private becameVisible(): void {
    // A tab in the background may have missed its `online` event while throttled.
    if (this.status === "offline" && this.options.env.isOnline()) this.wentOnline();
    else this.reconnectNow();
  }
}
