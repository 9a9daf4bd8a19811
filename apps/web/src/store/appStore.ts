import { createStore, type StoreApi } from "zustand/vanilla";
import { createConnectionSlice, type ConnectionSlice } from "./connectionSlice";
import { createNoticesSlice, type NoticesSlice } from "./noticesSlice";
import { createSessionSlice, type SessionSlice } from "./sessionSlice";
import { createTodosSlice, type TodosSlice } from "./todosSlice";

/** The whole client state: one store, one slice per domain, combined here and nowhere else. */
export type AppState = SessionSlice & TodosSlice & ConnectionSlice & NoticesSlice;
export type AppStore = StoreApi<AppState>;

/**
 * A vanilla store (no React needed), so the sync client, the outbox and unit tests drive it
 * through its actions directly; components read it with `useAppState`.
 */
export function createAppStore(): AppStore {
  return createStore<AppState>()((...args) => ({
    ...createSessionSlice(...args),
    ...createTodosSlice(...args),
    ...createConnectionSlice(...args),
    ...createNoticesSlice(...args),
  }));
}
