import { useAppState } from "../AppContext";
import { Filters } from "./Filters";

/** `footer.footer`: how many are left, the filters, and "Clear completed" when any is done. */
export function TodoFooter() {
  const left = useAppState((state) => state.todos.filter((todo) => !todo.done).length);
  const anyDone = useAppState((state) => state.todos.some((todo) => todo.done));
  const clearCompleted = useAppState((state) => state.clearCompleted);
  return (
    <footer className="footer">
      <span className="todo-count" data-testid="todo-count">
        <strong>{left}</strong> {left === 1 ? "item" : "items"} left
      </span>
      <Filters />
      {anyDone && (
        <button className="clear-completed" onClick={clearCompleted}>
          Clear completed
        </button>
      )}
    </footer>
  );
}
