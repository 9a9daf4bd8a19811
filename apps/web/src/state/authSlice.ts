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
  /** Why this tab is signed out when it did not ask to be (shown on the sign-in screen), else null. */
  signedOutMessage: string | null;
  signedIn(user: User): void;
  signedOut(message?: string | null): void;
  authUnreachable(): void;
}

export const createAuthSlice: StateCreator<AppState, [], [], AuthSlice> = (set) => ({
  authStatus: "unknown",
  user: null,
  signedOutMessage: null,
  signedIn: (user) => set({ authStatus: "signedIn", user, signedOutMessage: null }),
  signedOut: (signedOutMessage = null) => set({ authStatus: "signedOut", user: null, signedOutMessage }),
  authUnreachable: () => set({ authStatus: "unreachable", user: null }),
});
