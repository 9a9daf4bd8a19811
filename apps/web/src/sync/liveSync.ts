import type { DeviceId, TodoListResponse, WebSocketGrant } from "@tandem/protocol";
import type { Environment } from "../environment";
import type { AppStateApi } from "../state/appState";
import { ChangeFollower, type FollowerSink } from "./ChangeFollower";
import { Reconnector } from "./Reconnector";
import { readFrame } from "./serverMessage";
import type { OpenSocket } from "./socket";

export interface LiveSyncOptions {
  deviceId: DeviceId;
  fetchSnapshot(): Promise<TodoListResponse>;
  fetchGrant(since: number): Promise<WebSocketGrant>;
  openSocket: OpenSocket;
  appState: AppStateApi;
  env: Environment;
  /** The seq of a list already shown from the browser's cache: catch up from it, no snapshot. */
  resumeFrom?: number;
}

/** This tab's live sync: a change follower fed by this tab's own socket. */
export interface LiveSync {
  readonly follower: ChangeFollower;
  readonly connection: Reconnector;
}

/**
 * Starts following the signed-in user's list: the reconnector holds the socket and reports its
 * status to the app state (`connectionChanged`, the one place status goes); each frame it
 * receives is read by its `type` and handed to the follower, which reports to the app state
 * through its sink. Stop it with `connection.dispose()`.
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
  const connection = new Reconnector({
    since: () => follower.since(),
    fetchGrant: options.fetchGrant,
    openSocket: options.openSocket,
    env,
    onStatus: (status, at) => appState.getState().connectionChanged(status, at),
    onMessage: (data) => deliver(data, follower),
    onInterrupted: () => follower.interrupted(),
  });
  if (options.resumeFrom !== undefined) follower.resumeFrom(options.resumeFrom);
  connection.start();
  return { follower, connection };
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

function deliver(data: string, follower: ChangeFollower): void {
  const frame = readFrame(data);
  switch (frame.kind) {
    case "message":
      follower.receive(frame.message);
      break;
    case "unknown":
      // A message type from a newer server (the protocol lets it add some): not for this app.
      break;
    case "invalid":
      console.warn("sync: ignoring a socket frame that is not a server message");
      break;
  }
}
