import { useAppState } from "../AppContext";
import { Filters } from "./Filters";

interface TodoFooterProps {
  /** True while the list is empty: the footer stays in the page, hidden. */
  hidden: boolean;
}

/**
 * `footer.footer`: how many are left, the filters, and "Clear completed", which stays in the
 * page and is `hidden` while no todo is done (TodoMVC's suite asserts it exists, not visible).
 */
export function TodoFooter({ hidden }: TodoFooterProps) {
  const left = useAppState((state) => state.todos.filter((todo) => !todo.done).length);
  const anyDone = useAppState((state) => state.todos.some((todo) => todo.done));
  const clearCompleted = useAppState((state) => state.clearCompleted);
  return (
    <footer className="footer" hidden={hidden}>
      <span className="todo-count" data-testid="todo-count">
        <strong>{left}</strong> {left === 1 ? "item" : "items"} left
      </span>
      <Filters />
      <button className="clear-completed" hidden={!anyDone} onClick={clearCompleted}>
        Clear completed
      </button>
    </footer>
  );
}
