import { useAppState } from "../AppContext";
import { NewTodo } from "./NewTodo";
import { TodoFooter } from "./TodoFooter";
import { TodoMain } from "./TodoMain";

/** `section.todoapp`, as TodoMVC lays it out: main and footer only when there is a todo. */
export function TodoApp() {
  const hasTodos = useAppState((state) => state.todos.length > 0);
  return (
    <section className="todoapp">
      <NewTodo />
      {hasTodos && <TodoMain />}
      {hasTodos && <TodoFooter />}
    </section>
  );
}
