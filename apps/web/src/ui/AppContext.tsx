import { createContext, useContext, type ReactNode } from "react";
import { useStore } from "zustand";
import type { Account } from "../account/Account";
import type { WebhooksApi } from "../api/webhooksApi";
import type { AppUpdate } from "../appUpdate";
import type { AppState, AppStateApi } from "../state/appState";

/** What components may reach: the app state (to read it and to call its actions) and the account. */
export interface AppServices {
  appState: AppStateApi;
  account: Account;
  /** The account page's webhooks section talks to the server through this. */
  webhooks: WebhooksApi;
  /**
   * Loads the page again, on the newest build there is (the app asks for it when the server
   * speaks a newer protocol, or a new build waits in the service worker).
   */
  reload(): void;
  /** Whether a new build waits in the service worker. */
  appUpdate: AppUpdate;
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
 * Reads one value from the app state, re-rendering only when it changes. Select a single field or
 * action: a selector that builds a new object or array every call would re-render forever.
 */
export function useAppState<T>(selector: (state: AppState) => T): T {
  return useStore(useServices().appState, selector);
}
