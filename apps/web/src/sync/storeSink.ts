import type { AppStore } from "../store/appStore";
import type { SyncSink } from "./SyncClient";

/** The sync client's outlet into the store: each report is one store action. */
export function createStoreSink(store: AppStore, onSignedOut: () => void): SyncSink {
  return {
    snapshotMark: () => store.getState().confirmed.revision,
    snapshotLoaded: (snapshot, mark) => store.getState().loadSnapshot(snapshot.todos, mark),
    changeReceived: (event) => store.getState().applyChange(event),
    statusChanged: (status) => store.getState().setConnectionStatus(status),
    synced: (at) => store.getState().markSynced(at),
    signedOut: onSignedOut,
  };
}
