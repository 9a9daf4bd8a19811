import type { StateCreator } from "zustand/vanilla";
import type { ConnectionStatus } from "../sync/connectionStatus";
import type { AppState } from "./appState";

export interface ConnectionSlice {
  /** Mirrors the reconnector's state machine; the UI and the outbox only read it. */
  connectionStatus: ConnectionStatus;
  /** When the client last heard from the server that it is up to date (epoch ms). */
  lastSyncAt: number | null;
  /**
   * The reconnector's status changed at `at` (epoch ms). A socket that has just opened counts
   * as up to date: from that moment the server streams every change after our seq.
   */
  connectionChanged(status: ConnectionStatus, at: number): void;
  markSynced(at: number): void;
}

export const createConnectionSlice: StateCreator<AppState, [], [], ConnectionSlice> = (set) => ({
  connectionStatus: "idle",
  lastSyncAt: null,
  connectionChanged: (connectionStatus, at) =>
    // Live, the list is the server's: the socket has streamed every change after its seq.
    set(connectionStatus === "live" ? { connectionStatus, lastSyncAt: at, fromCache: false } : { connectionStatus }),
  markSynced: (lastSyncAt) => set({ lastSyncAt }),
});
