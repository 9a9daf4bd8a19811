import type { Device, TokenInfo } from "@tandem/protocol";
import type { StateCreator } from "zustand/vanilla";
import type { AppState } from "./appState";

/**
 * `idle`: never asked (the account page has not been opened); `loading`: a first answer is on
 * its way; `loaded`: the lists below are the server's latest; `failed`: the last fetch failed
 * (`rosterError` says why; the lists keep what was last loaded).
 */
export type RosterStatus = "idle" | "loading" | "loaded" | "failed";

export interface RosterSlice {
  rosterStatus: RosterStatus;
  rosterError: string | null;
  /** Where the user is signed in, most recently seen first (the server's order). */
  devices: readonly Device[];
  /** The user's API tokens, with their expiry. */
  tokens: readonly TokenInfo[];
  rosterLoading(): void;
  rosterLoaded(devices: readonly Device[], tokens: readonly TokenInfo[]): void;
  rosterFailed(message: string): void;
  /** A rename the server confirmed, shown before the roster message brings the new list. */
  deviceUpdated(device: Device): void;
  /** A device or token revoked from here, gone at once rather than when the new list arrives. */
  deviceRemoved(id: string): void;
  tokenRemoved(id: string): void;
  /** Forgets the roster (sign-out): the next user must never see this one's devices. */
  resetRoster(): void;
}

export const createRosterSlice: StateCreator<AppState, [], [], RosterSlice> = (set) => ({
  rosterStatus: "idle",
  rosterError: null,
  devices: [],
  tokens: [],
  rosterLoading: () => set((state) => (state.rosterStatus === "loaded" ? {} : { rosterStatus: "loading" })),
  rosterLoaded: (devices, tokens) => set({ rosterStatus: "loaded", rosterError: null, devices, tokens }),
  rosterFailed: (rosterError) => set({ rosterStatus: "failed", rosterError }),
  deviceUpdated: (device) =>
    set((state) => ({ devices: state.devices.map((d) => (d.id === device.id ? device : d)) })),
  deviceRemoved: (id) => set((state) => ({ devices: state.devices.filter((d) => d.id !== id) })),
  tokenRemoved: (id) => set((state) => ({ tokens: state.tokens.filter((t) => t.id !== id) })),
  resetRoster: () => set({ rosterStatus: "idle", rosterError: null, devices: [], tokens: [] }),
});
