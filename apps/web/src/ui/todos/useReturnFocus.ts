import { useEffect, useRef } from "react";

/**
 * Gives focus back to a todo's label when an edit that was ended from the keyboard (Enter,
 * Escape) closes, so a keyboard user keeps their place instead of landing on <body>. An edit
 * ended by clicking elsewhere leaves focus where the click put it.
 */
export function useReturnFocus(editing: boolean) {
  const label = useRef<HTMLLabelElement>(null);
  const pending = useRef(false);

  useEffect(() => {
    if (!editing && pending.current) label.current?.focus();
    pending.current = false;
  }, [editing]);

  return {
    label,
    returnFocusAfterEdit(byKeyboard: boolean) {
      pending.current = byKeyboard;
    },
  };
}
