import { useEffect, useRef } from "react";

/**
 * Moves focus to an element when it appears: a screen's heading after a change of screen, or
 * the message that replaces a form once it is sent. A keyboard user goes on from there instead
 * of from <body>, and a screen reader reads where they are. The element needs `tabIndex={-1}`
 * to take focus without joining the tab order.
 */
export function useFocusOnMount<T extends HTMLElement>() {
  const element = useRef<T>(null);
  useEffect(() => {
    element.current?.focus();
  }, []);
  return element;
}
