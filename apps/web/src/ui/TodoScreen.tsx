import { FailedWrites } from "./shell/FailedWrites";
import { Topbar } from "./shell/Topbar";
import { TodoApp } from "./todos/TodoApp";

/** Signed in: the account bar, the TodoMVC app, and the usual hint underneath. */
export function TodoScreen() {
  return (
    <div className="page">
      <Topbar />
      <FailedWrites />
      <TodoApp />
      <footer className="info">
        <p>Double-click a todo (or focus it and press Enter) to edit it</p>
      </footer>
    </div>
  );
}
