import type { AppStateApi } from "../state/appState";
import type { SyncSink } from "./SyncClient";

/** The sync client's outlet into the app state: each report is one state action. */
export function createStateSink(appState: AppStateApi, onSignedOut: () => void): SyncSink {
  return {
    snapshotMark: () => appState.getState().confirmed.revision,
    snapshotLoaded: (snapshot, mark) => appState.getState().loadSnapshot(snapshot.todos, mark),
    changeReceived: (event) => appState.getState().applyChange(event),
    statusChanged: (status) => appState.getState().setConnectionStatus(status),
    synced: (at) => appState.getState().markSynced(at),
    signedOut: onSignedOut,
  };
}
