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
   * The reconnector's status changed at `at` (epoch ms). A socket that has just opened counts
   * as up to date: from that moment the server streams every change after our seq.
   */
  connectionChanged(status: ConnectionStatus, at: number, signOutReason?: string | null): void;
  markSynced(at: number): void;
}

export const createConnectionSlice: StateCreator<AppState, [], [], ConnectionSlice> = (set) => ({
  connectionStatus: "idle",
  lastSyncAt: null,
  signOutReason: null,
  connectionChanged: (connectionStatus, at, signOutReason = null) =>
    set({
      connectionStatus,
      signOutReason: connectionStatus === "signedOut" ? signOutReason : null,
      ...(connectionStatus === "live" ? { lastSyncAt: at } : {}),
    }),
  markSynced: (lastSyncAt) => set({ lastSyncAt }),
});
