import { useEffect } from "react";

/**
 * Ctrl+Z (⌘Z on a Mac) calls `undo` while `enabled`, unless the focus is in a text field, where
 * the browser's own undo of typing must keep working.
 */
export function useUndoShortcut(enabled: boolean, undo: () => void): void {
  useEffect(() => {
    if (!enabled) return;
    function onKeyDown(event: KeyboardEvent) {
      if (event.key.toLowerCase() !== "z" || event.shiftKey || event.altKey || !(event.ctrlKey || event.metaKey)) return;
      const target = event.target;
      if (target instanceof HTMLElement && (target.isContentEditable || target.matches("input:not([type=checkbox]), textarea"))) return;
      event.preventDefault();
      undo();
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [enabled, undo]);
}
