import type { User } from "@tandem/protocol";
import type { StateCreator } from "zustand/vanilla";
import type { AppState } from "./appState";

/**
 * `unknown` until `GET /api/auth/me` answers; `unreachable` when it could not be asked.
 * Only `signedIn` ever shows the list.
 */
export type AuthStatus = "unknown" | "unreachable" | "signedOut" | "signedIn";

export interface AuthSlice {
  authStatus: AuthStatus;
  user: User | null;
  signedIn(user: User): void;
  signedOut(): void;
  authUnreachable(): void;
}

export const createAuthSlice: StateCreator<AppState, [], [], AuthSlice> = (set) => ({
  authStatus: "unknown",
  user: null,
  signedIn: (user) => set({ authStatus: "signedIn", user }),
  signedOut: () => set({ authStatus: "signedOut", user: null }),
  authUnreachable: () => set({ authStatus: "unreachable", user: null }),
});
