import { useEffect, useState } from "react";
import { UNDO_WINDOW_MS } from "../../state/undoSlice";
import { useAppState } from "../AppContext";
import { useUndoShortcut } from "./useUndoShortcut";

/**
 * "Deleted “buy milk” · Undo": offered for UNDO_WINDOW_MS after a delete, a clear-completed or
 * an edit that emptied a todo, with the countdown paused while the pointer or the focus is on it
 * (WCAG 2.2.1: nobody loses the chance while reading or reaching for it). Ctrl+Z (⌘Z) undoes it
 * too, from anywhere but a text field.
 *
 * The status region is always in the page, so screen readers announce the message when it
 * arrives (a live region added together with its text is often not read).
 */
export function UndoNotice() {
  const removal = useAppState((state) => state.removal);
  const undo = useAppState((state) => state.undoRemoval);
  const forget = useAppState((state) => state.forgetRemoval);
  const [held, setHeld] = useState(false);
  useUndoShortcut(removal !== null, undo);

  useEffect(() => {
    if (removal === null || held) return;
    const timer = setTimeout(() => forget(removal.id), UNDO_WINDOW_MS);
    return () => clearTimeout(timer);
  }, [removal, held, forget]);

  const hold = () => setHeld(true);
  const release = () => setHeld(false);
  return (
    <div role="status" className="undo-region" data-testid="undo-region">
      {removal && (
        <div
          className="notice notice-info"
          data-testid="undo-notice"
          onMouseEnter={hold}
          onMouseLeave={release}
          onFocus={hold}
          onBlur={release}
        >
          <p>{removal.message}</p>
          <button type="button" className="notice-action" data-testid="undo" aria-keyshortcuts="Control+Z Meta+Z" onClick={undo}>
            Undo
          </button>
          <button type="button" aria-label="Dismiss" onClick={() => forget(removal.id)}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}
