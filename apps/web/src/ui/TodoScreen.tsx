import { Topbar } from "./shell/Topbar";
import { TodoApp } from "./todos/TodoApp";

/** Signed in: the account bar, the TodoMVC app as the page's main content, and the usual hint. */
export function TodoScreen() {
  return (
    <div className="page">
      <Topbar />
      <main>
        <TodoApp />
      </main>
      <footer className="info">
        <p>Double-click a todo (or focus it and press Enter) to edit it</p>
      </footer>
    </div>
  );
}
