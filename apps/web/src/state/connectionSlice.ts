import type { StateCreator } from "zustand/vanilla";
import type { ConnectionStatus } from "../sync/connectionStatus";
import type { AppState } from "./appState";

export interface ConnectionSlice {
  /** Mirrors the reconnector's state machine; the UI and the outbox only read it. */
  connectionStatus: ConnectionStatus;
  /** When the client last heard from the server that it is up to date (epoch ms). */
  lastSyncAt: number | null;
  /** Why the server ended the session, when it said (the 4001 close reason, a SignOutReason). */
  signOutReason: string | null;
  /**
   * When the current outage began (epoch ms): the first move into `reconnecting` or `offline`
   * since the socket was last live. Null while live, or when there is no outage to speak of.
   */
  outageSince: number | null;
  /**
   * The reconnector's status changed at `at` (epoch ms). A socket that has just opened counts
   * as up to date: from that moment the server streams every change after our seq.
   */
  connectionChanged(status: ConnectionStatus, at: number, signOutReason?: string | null): void;
  markSynced(at: number): void;
}

/** The statuses in which the app is cut off from the server but still trying to get back. */
export function isOutage(status: ConnectionStatus): boolean {
  return status === "reconnecting" || status === "offline";
}

export const createConnectionSlice: StateCreator<AppState, [], [], ConnectionSlice> = (set, get) => ({
  connectionStatus: "idle",
  lastSyncAt: null,
  signOutReason: null,
  outageSince: null,
  connectionChanged: (connectionStatus, at, signOutReason = null) => {
    const reason = connectionStatus === "signedOut" ? signOutReason : null;
    if (connectionStatus === "live") {
      // Live, the list is the server's: the socket has streamed every change after its seq.
      set({ connectionStatus, signOutReason: reason, lastSyncAt: at, outageSince: null, fromCache: false });
      return;
    }
    const outageSince = isOutage(connectionStatus) ? (get().outageSince ?? at) : null;
    set({ connectionStatus, signOutReason: reason, outageSince });
  },
  markSynced: (lastSyncAt) => set({ lastSyncAt }),
});
