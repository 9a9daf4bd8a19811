import { useAppState } from "../AppContext";

/** Says that the list on screen is the copy kept in this browser, until the server brings it up to date. */
export function CachedListNote() {
  const fromCache = useAppState((state) => state.fromCache);
  if (!fromCache) return null;
  return (
    <p className="cached-list" data-testid="cached-list" role="status">
      Saved copy, not live yet
    </p>
  );
}
