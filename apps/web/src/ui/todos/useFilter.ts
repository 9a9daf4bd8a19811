import { useSyncExternalStore } from "react";
import { filterFromHash, type Filter } from "./filter";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

/** The current filter, following `location.hash` (the TodoMVC routes `#/`, `#/active`, `#/completed`). */
export function useFilter(): Filter {
  return useSyncExternalStore(subscribe, () => filterFromHash(window.location.hash));
}
