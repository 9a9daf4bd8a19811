import type { User } from "@tandem/protocol";
import type { StateCreator } from "zustand/vanilla";
import type { AppState } from "./appStore";

/**
 * `unknown` until `GET /api/auth/me` answers; `unreachable` when it could not be asked.
 * Only `signedIn` ever shows the list.
 */
export type SessionStatus = "unknown" | "unreachable" | "signedOut" | "signedIn";

export interface SessionSlice {
  sessionStatus: SessionStatus;
  user: User | null;
  signedIn(user: User): void;
  signedOut(): void;
  sessionUnreachable(): void;
}

export const createSessionSlice: StateCreator<AppState, [], [], SessionSlice> = (set) => ({
  sessionStatus: "unknown",
  user: null,
  signedIn: (user) => set({ sessionStatus: "signedIn", user }),
  signedOut: () => set({ sessionStatus: "signedOut", user: null }),
  sessionUnreachable: () => set({ sessionStatus: "unreachable", user: null }),
});
