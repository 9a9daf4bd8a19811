import type { ListItem } from "../../state/listItems";

/** The three views of TodoMVC, routed by the URL hash so each can be bookmarked and reloaded. */
export type Filter = "all" | "active" | "completed";

export const FILTER_HREFS: Readonly<Record<Filter, string>> = {
  all: "#/",
  active: "#/active",
  completed: "#/completed",
};

export function filterFromHash(hash: string): Filter {
  if (hash === FILTER_HREFS.active) return "active";
  if (hash === FILTER_HREFS.completed) return "completed";
  return "all";
}

export function matchesFilter(item: ListItem, filter: Filter): boolean {
  return filter === "all" || (filter === "completed") === item.done;
}
