import { createContext, useContext, type ReactNode } from "react";
import { useStore } from "zustand";
import type { Session } from "../session/Session";
import type { AppState, AppStore } from "../store/appStore";

/** What components may reach: the store (to read and to call actions) and the session. */
export interface AppServices {
  store: AppStore;
  session: Session;
}

const AppContext = createContext<AppServices | null>(null);

export function AppProvider({ services, children }: { services: AppServices; children: ReactNode }) {
  return <AppContext.Provider value={services}>{children}</AppContext.Provider>;
}

export function useServices(): AppServices {
  const services = useContext(AppContext);
  if (services === null) throw new Error("useServices must be used inside <AppProvider>");
  return services;
}

/**
 * Reads one value from the store, re-rendering only when it changes. Select a single field or
 * action: a selector that builds a new object or array every call would re-render forever.
 */
export function useAppState<T>(selector: (state: AppState) => T): T {
  return useStore(useServices().store, selector);
}
