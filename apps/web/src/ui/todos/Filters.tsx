import { FILTER_HREFS, type Filter } from "./filter";
import { useFilter } from "./useFilter";

const LABELS: Readonly<Record<Filter, string>> = { all: "All", active: "Active", completed: "Completed" };
const ORDER: readonly Filter[] = ["all", "active", "completed"];

/** `ul.filters`: plain links to the hash routes; the current one carries `selected`. */
export function Filters() {
  const current = useFilter();
  return (
    <ul className="filters" aria-label="Filter todos">
      {ORDER.map((filter) => (
        <li key={filter}>
          <a
            href={FILTER_HREFS[filter]}
            className={filter === current ? "selected" : undefined}
            aria-current={filter === current ? "page" : undefined}
          >
            {LABELS[filter]}
          </a>
        </li>
      ))}
    </ul>
  );
}
