import type { StateCreator } from "zustand/vanilla";
import { TODOS, type Route } from "../route";
import type { AppState } from "./appState";

export interface RouteSlice {
  /** The screen the address bar names (see route.ts); which one shows also depends on `authStatus`. */
  route: Route;
  /** Goes to a screen; the address bar follows (browserHistory.ts). */
  navigate(route: Route): void;
}

export const createRouteSlice: StateCreator<AppState, [], [], RouteSlice> = (set) => ({
  route: TODOS,
  navigate: (route) => set({ route }),
});
