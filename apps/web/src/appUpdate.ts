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
  onRegisteredSW(url: string, registration: ServiceWorkerRegistration | undefined): void;
}) => (reloadPage?: boolean) => Promise<void>;

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
  const listeners = new Set<() => void>();
  const activate = register({
    onNeedRefresh() {
      state = "ready";
      for (const listener of listeners) listener();
    },
    onRegisteredSW(_url, registration) {
      if (registration) every(UPDATE_CHECK_INTERVAL_MS, () => void registration.update().catch(() => {}));
    },
  });
  return {
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reload() {
      // A plain reload would keep the old build: a waiting worker only takes over once told to
      // (skipWaiting), and vite-plugin-pwa reloads the page as soon as it controls it.
      if (state === "ready") void activate(true);
      else reloadPage();
    },
  };
}

/** No service worker (dev server, a browser without one): reloading is all there is. */
export function withoutServiceWorker(reloadPage: () => void): AppUpdate {
  return { getSnapshot: () => "current", subscribe: () => () => {}, reload: reloadPage };
}
