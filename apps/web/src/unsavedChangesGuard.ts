import type { AppStore } from "./store/appStore";

/**
 * Asks the browser to confirm leaving the page while writes are still queued: the outbox lives
 * in memory, and a page that cannot reach the server could not load again to resend it anyway.
 * Returns the function that removes the guard.
 */
export function guardUnsavedChanges(store: AppStore): () => void {
  const onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (store.getState().pending.length > 0) event.preventDefault();
  };
  window.addEventListener("beforeunload", onBeforeUnload);
  return () => window.removeEventListener("beforeunload", onBeforeUnload);
}
