import type { AppStateApi } from "../state/appState";
import type { BrowserStorage } from "../storage/browserStorage";
import type { CachedList } from "../sync/listCache";

/** The list this browser kept for the last user signed in here, if any (and if it can be read). */
export async function loadKeptList(storage: BrowserStorage): Promise<CachedList | null> {
  const userId = storage.lastUserId();
  if (userId === null) return null;
  try {
    return await storage.lists.load(userId);
  } catch {
    return null;
  }
}

/**
 * Resolves true when the connection is next live, false as soon as `stillRunning` says the kept
 * session it was started for has ended (signed out, or replaced) instead.
 */
export function whenLiveAgain(appState: AppStateApi, stillRunning: () => boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const unsubscribe = appState.subscribe((state) => {
      const ended = !stillRunning();
      if (!ended && state.connectionStatus !== "live") return;
      unsubscribe();
      resolve(!ended);
    });
  });
}
