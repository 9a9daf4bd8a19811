import { DEVICES_MESSAGE, type DeviceId, type DevicesMessage, type TodoListResponse, type WebSocketGrant } from "@tandem/protocol";
import type { Environment } from "../environment";
import type { AppStateApi } from "../state/appState";
import { ChangeFollower, type FollowerSink } from "./ChangeFollower";
import type { ConnectionStatus } from "./connectionStatus";
import { Reconnector, type ReconnectorOptions } from "./Reconnector";
import { readFrame } from "./serverMessage";
import { SocketLeader } from "./socketLeader";
import type { OpenSocket } from "./socket";
import type { TabCoordination } from "./tabChannel";

export interface LiveSyncOptions {
  deviceId: DeviceId;
  fetchSnapshot(): Promise<TodoListResponse>;
  fetchGrant(since: number): Promise<WebSocketGrant>;
  openSocket: OpenSocket;
  appState: AppStateApi;
  env: Environment;
  /** The user's roster changed on the server (see DeviceRoster). */
  onDevicesChanged?(message: DevicesMessage): void;
  /**
   * Share one socket with the other tabs of this browser signed in as `userId` (socketLeader.ts);
   * null where the browser lacks the Web Locks API or BroadcastChannel: this tab opens its own.
   */
  share?: { coordination: TabCoordination; userId: string } | null;
  /** The seq of a list already shown from the browser's cache: catch up from it, no snapshot. */
  resumeFrom?: number;
}

/** What the rest of the app may ask of the connection, whoever holds the socket. */
export interface SyncConnection {
  /** Something the stream depends on failed (a refetch): see Reconnector.failed. */
  failed(error: unknown): void;
  /** The server ended the session (a 401): stop for good. */
  sessionEnded(): void;
  /** The person asked to try again now ("Try now"): skip the rest of a backoff wait. */
  tryNow(): void;
  dispose(): void;
}

/** This tab's live sync: a change follower fed by a socket, its own or another tab's. */
export interface LiveSync {
  readonly follower: ChangeFollower;
  readonly connection: SyncConnection;
  /** This tab signed the person out: the other tabs of the browser hear why (no-op without sharing). */
  announceSignedOut(reason: string): void;
}

/**
 * Starts following the signed-in user's list: a reconnector holds the socket and reports its
 * status to the app state (`connectionChanged`, the one place status goes); each frame it
 * receives is read by its `type` and handed to the follower, which reports to the app state
 * through its sink. Shared, the reconnector exists only in the tab that leads, and the others
 * get its frames and status from it. Stop it with `connection.dispose()`.
 */
export function startLiveSync(options: LiveSyncOptions): LiveSync {
  const { appState, env } = options;
  const follower = new ChangeFollower({
    deviceId: options.deviceId,
    fetchSnapshot: options.fetchSnapshot,
    sink: stateSink(appState),
    now: () => env.now(),
    onRefetchFailed: (error) => connection.failed(error),
  });
  const reconnector = (events: Pick<ReconnectorOptions, "onStatus" | "onMessage">) =>
    new Reconnector({
      since: () => follower.since(),
      fetchGrant: options.fetchGrant,
      openSocket: options.openSocket,
      env,
      onInterrupted: () => follower.interrupted(),
      ...events,
    });
  const onStatus = (status: ConnectionStatus, at: number, signOutReason?: string | null) =>
    appState.getState().connectionChanged(status, at, signOutReason ?? null);
  const onMessage = (data: string) => deliver(data, follower, options.onDevicesChanged);
  const connection = options.share
    ? new SocketLeader({ ...options.share, follower, connect: reconnector, deliver: onMessage, onStatus, env })
    : reconnector({ onStatus, onMessage });
  if (options.resumeFrom !== undefined) follower.resumeFrom(options.resumeFrom);
  connection.start();
  return { follower, connection, announceSignedOut: (reason) => (connection instanceof SocketLeader ? connection.announceSignedOut(reason) : undefined) };
}

/** The follower's outlet into the app state: each report is one state action. */
export function stateSink(appState: AppStateApi): FollowerSink {
  return {
    snapshotMark: () => appState.getState().confirmed.revision,
    snapshotLoaded: (snapshot, mark) => appState.getState().loadSnapshot(snapshot.todos, mark),
    changeReceived: (event) => appState.getState().applyChange(event),
    synced: (at) => appState.getState().markSynced(at),
  };
}

function deliver(data: string, follower: ChangeFollower, onDevicesChanged: LiveSyncOptions["onDevicesChanged"]): void {
  const frame = readFrame(data);
  switch (frame.kind) {
    case "message":
      if (frame.message.type === DEVICES_MESSAGE) onDevicesChanged?.(frame.message);
      else follower.receive(frame.message);
      break;
    case "unknown":
      // A message type from a newer server (the protocol lets it add some): not for this app.
      break;
    case "invalid":
      console.warn("sync: ignoring a socket frame that is not a server message");
      break;
  }
}
