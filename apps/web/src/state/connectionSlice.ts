import type { StateCreator } from "zustand/vanilla";
import type { ConnectionStatus } from "../sync/connectionStatus";
import type { AppState } from "./appState";

export interface ConnectionSlice {
  /** Mirrors the reconnector's state machine; the UI and the outbox only read it. */
  connectionStatus: ConnectionStatus;
  /** When the client last heard from the server that it is up to date (epoch ms). */
  lastSyncAt: number | null;
  /**
   * When the current outage began (epoch ms): the first move into `reconnecting` or `offline`
   * since the socket was last live. Null while live, or when there is no outage to speak of.
   */
  outageSince: number | null;
  /**
   * The reconnector's status changed at `at` (epoch ms). A socket that has just opened counts
   * as up to date: from that moment the server streams every change after our seq.
   */
  connectionChanged(status: ConnectionStatus, at: number): void;
  markSynced(at: number): void;
}

/** The statuses in which the app is cut off from the server but still trying to get back. */
export function isOutage(status: ConnectionStatus): boolean {
  return status === "reconnecting" || status === "offline";
}

export const createConnectionSlice: StateCreator<AppState, [], [], ConnectionSlice> = (set, get) => ({
  connectionStatus: "idle",
  lastSyncAt: null,
  outageSince: null,
  connectionChanged: (connectionStatus, at) => {
    if (connectionStatus === "live") {
      set({ connectionStatus, lastSyncAt: at, outageSince: null });
      return;
    }
    const outageSince = isOutage(connectionStatus) ? (get().outageSince ?? at) : null;
    set({ connectionStatus, outageSince });
  },
  markSynced: (lastSyncAt) => set({ lastSyncAt }),
});
