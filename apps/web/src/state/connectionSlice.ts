import type { StateCreator } from "zustand/vanilla";
import type { ConnectionStatus } from "../sync/connectionStatus";
import type { AppState } from "./appState";

export interface ConnectionSlice {
  /** Mirrors the sync client's state machine; the UI only reads it. */
  connectionStatus: ConnectionStatus;
  /** When the client last heard from the server that it is up to date (epoch ms). */
  lastSyncAt: number | null;
  setConnectionStatus(status: ConnectionStatus): void;
  markSynced(at: number): void;
}

export const createConnectionSlice: StateCreator<AppState, [], [], ConnectionSlice> = (set) => ({
  connectionStatus: "idle",
  lastSyncAt: null,
  setConnectionStatus: (connectionStatus) => set({ connectionStatus }),
  markSynced: (lastSyncAt) => set({ lastSyncAt }),
});
