import { FailedWrites } from "./shell/FailedWrites";
import { Topbar } from "./shell/Topbar";
import { TodoApp } from "./todos/TodoApp";

/**
 * Signed in: the account bar, the TodoMVC app as the page's main content, and the usual hint underneath: the one for a
 * mouse, or (where the main pointer is a finger: styles.css, `hover: none` / `pointer: coarse`)
 * the one for the edit button touch screens get instead of a double-click.
 */
export function TodoScreen() {
  return (
    <div className="page">
      <Topbar />
      <main>
        <FailedWrites />
        <TodoApp />
      </main>
      <footer className="info">
        <p className="hint-pointer" data-testid="edit-hint-pointer">
          Double-click a todo (or focus it and press Enter) to edit it
        </p>
        <p className="hint-touch" data-testid="edit-hint-touch">
          Tap the pencil beside a todo to edit it
        </p>
      </footer>
    </div>
  );
}
