import type { MouseEvent, ReactNode } from "react";
import { routeHref, type Route } from "../route";
import { useAppState } from "./AppContext";

interface RouteLinkProps {
  to: Route;
  className?: string;
  testId?: string;
  children: ReactNode;
}

/**
 * A real link (it has an address: open in a new tab, copy, middle-click all work) that, on a
 * plain click, changes screen without loading the page again.
 */
export function RouteLink({ to, className, testId, children }: RouteLinkProps) {
  const navigate = useAppState((state) => state.navigate);
  function onClick(event: MouseEvent<HTMLAnchorElement>) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  }
  return (
    <a href={routeHref(to)} className={className} data-testid={testId} onClick={onClick}>
      {children}
    </a>
  );
}
