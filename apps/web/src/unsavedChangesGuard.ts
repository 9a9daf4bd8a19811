import type { AppStateApi } from "./state/appState";

/**
 * Asks the browser to confirm leaving the page while writes are still queued, where the outbox
 * lives in memory because this browser offers no IndexedDB (elsewhere it survives the page).
 * Returns the function that removes the guard.
 */
export function guardUnsavedChanges(appState: AppStateApi): () => void {
  const onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (appState.getState().pending.length > 0) event.preventDefault();
  };
  window.addEventListener("beforeunload", onBeforeUnload);
  return () => window.removeEventListener("beforeunload", onBeforeUnload);
}
