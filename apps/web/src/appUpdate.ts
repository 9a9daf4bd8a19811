/**
 * The service worker's side of updates, as the UI sees it. A deploy is a new worker (its
 * precache list names every file of the build by hash); the browser installs it in the
 * background, and it then *waits*: this module says so (`ready`), and only a press on Reload
 * activates it and reloads the page. Never a silent swap: a page that reloads by itself could
 * throw away a half-typed edit.
 */
export type UpdateState = "current" | "ready";

export interface AppUpdate {
  getSnapshot(): UpdateState;
  /** For `useSyncExternalStore`: called after every change of the snapshot. */
  subscribe(listener: () => void): () => void;
  /** Loads the page again, on the waiting build when there is one. */
  reload(): void;
}

/** The part of vite-plugin-pwa's `registerSW` (virtual:pwa-register) this module uses. */
export type RegisterServiceWorker = (options: {
  onNeedRefresh(): void;
  onNeedReload(): void;
  onRegisteredSW(url: string, registration: UpdateRegistration | undefined): void;
}) => (reloadPage?: boolean) => Promise<void>;

/** The part of a ServiceWorkerRegistration this module uses. */
export interface UpdateRegistration {
  readonly waiting: { readonly state: string; addEventListener(type: "statechange", listener: () => void): void } | null;
  update(): Promise<unknown>;
}

export interface AppUpdateOptions {
  register: RegisterServiceWorker;
  reloadPage(): void;
  /** Runs `fn` every `ms`; the browser's own checks only happen on navigation. */
  every(ms: number, fn: () => void): void;
}

/**
 * How often an open tab asks whether a new build is out. A tab can stay open for days (an
 * installed app especially); an hourly request for the worker script is next to nothing.
 */
export const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

export function createAppUpdate({ register, reloadPage, every }: AppUpdateOptions): AppUpdate {
  let state: UpdateState = "current";
  let registration: UpdateRegistration | undefined;
  const listeners = new Set<() => void>();
  const activate = register({
    onNeedRefresh() {
      state = "ready";
      for (const listener of listeners) listener();
    },
    // Another tab's Reload activated the new worker, which now controls this tab too: this tab
    // goes on with the build it runs (its prompt stays) instead of reloading under its user.
    onNeedReload() {},
    onRegisteredSW(_url, registered) {
      registration = registered;
      if (registered) every(UPDATE_CHECK_INTERVAL_MS, () => void registered.update().catch(() => {}));
    },
  });
  return {
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reload() {
      // A plain reload would keep the old build: a waiting worker takes over only once told to
      // (skipWaiting). The page reloads when the worker is active, not when it controls this
      // page: a page from before the first install is never controlled (no clients.claim()).
      const waiting = registration?.waiting;
      if (state !== "ready" || !waiting) {
        reloadPage();
        return;
      }
      waiting.addEventListener("statechange", () => {
        if (waiting.state === "activated") reloadPage();
      });
      void activate(true);
    },
  };
}

/** No service worker (dev server, a browser without one): reloading is all there is. */
export function withoutServiceWorker(reloadPage: () => void): AppUpdate {
  return { getSnapshot: () => "current", subscribe: () => () => {}, reload: reloadPage };
}
