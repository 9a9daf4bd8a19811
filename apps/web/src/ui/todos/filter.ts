import type { TodoRow } from "../../store/todoRows";

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

export function matchesFilter(row: TodoRow, filter: Filter): boolean {
  return filter === "all" || (filter === "completed") === row.done;
}
