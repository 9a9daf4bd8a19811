import type { AppStateApi } from "./state/appState";

/**
 * Asks the browser to confirm leaving the page while writes are still queued and `inMemory()`
 * says they live only in this page: where this browser offers no IndexedDB, or refused to store
 * one of them (elsewhere the queue survives the page). Returns the function that removes the guard.
 */
export function guardUnsavedChanges(appState: AppStateApi, inMemory: () => boolean): () => void {
  const onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (appState.getState().pending.length > 0 && inMemory()) event.preventDefault();
  };
  window.addEventListener("beforeunload", onBeforeUnload);
  return () => window.removeEventListener("beforeunload", onBeforeUnload);
}
