import { createStore, type StoreApi } from "zustand/vanilla";
import { createAuthSlice, type AuthSlice } from "./authSlice";
import { createConnectionSlice, type ConnectionSlice } from "./connectionSlice";
import { createNoticesSlice, type NoticesSlice } from "./noticesSlice";
import { createRosterSlice, type RosterSlice } from "./rosterSlice";
import { createRouteSlice, type RouteSlice } from "./routeSlice";
import { createTodosSlice, type TodosSlice } from "./todosSlice";
import { createUndoSlice, type UndoSlice } from "./undoSlice";

/** The whole client state: one zustand store, one slice per domain, combined here and only here. */
export type AppState = AuthSlice & TodosSlice & ConnectionSlice & NoticesSlice & RosterSlice & RouteSlice & UndoSlice;
export type AppStateApi = StoreApi<AppState>;

/**
 * A vanilla zustand store (no React needed), so the live sync, the outbox and unit tests drive it
 * through its actions directly; components read it with `useAppState`.
 */
export function createAppState(): AppStateApi {
  return createStore<AppState>()((...args) => ({
    ...createAuthSlice(...args),
    ...createTodosSlice(...args),
    ...createConnectionSlice(...args),
    ...createNoticesSlice(...args),
    ...createRosterSlice(...args),
    ...createRouteSlice(...args),
    ...createUndoSlice(...args),
  }));
}
