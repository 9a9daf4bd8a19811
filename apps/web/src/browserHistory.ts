import { parseRoute, routeHref } from "./route";
import type { AppStateApi } from "./state/appState";

const currentRoute = () => parseRoute(window.location.pathname, window.location.search);

/**
 * Keeps the address bar and `state.route` in step: the address is read once at start, a
 * navigation in the app pushes a history entry, and back / forward set the route again (the
 * address already matches then, so nothing is pushed twice).
 */
export function followBrowserHistory(appState: AppStateApi): () => void {
  appState.getState().navigate(currentRoute());
  const onPopState = () => appState.getState().navigate(currentRoute());
  window.addEventListener("popstate", onPopState);
  const unsubscribe = appState.subscribe((state, previous) => {
    if (state.route === previous.route) return;
    const href = routeHref(state.route);
    if (href !== window.location.pathname + window.location.search) window.history.pushState(null, "", href);
  });
  return () => {
    window.removeEventListener("popstate", onPopState);
    unsubscribe();
  };
}
