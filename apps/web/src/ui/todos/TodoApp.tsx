import { useAppState } from "../AppContext";
import { NewTodo } from "./NewTodo";
import { TodoFooter } from "./TodoFooter";
import { TodoMain } from "./TodoMain";

/**
 * `section.todoapp`, as TodoMVC lays it out. Main and footer are always in the page and carry
 * `hidden` while the list is empty, as the reference apps do: TodoMVC's own suite asserts they
 * exist and are not visible. `hidden` also takes them out of the tab order and the
 * accessibility tree (styles.css makes sure no `display` rule overrides it).
 */
export function TodoApp() {
  const empty = useAppState((state) => state.todos.length === 0);
  return (
    <section className="todoapp">
      <NewTodo />
      <TodoMain hidden={empty} />
      <TodoFooter hidden={empty} />
    </section>
  );
}
