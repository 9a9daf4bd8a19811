import { useCallback, useState } from "react";
import { useAppState } from "../AppContext";
import { matchesFilter } from "./filter";
import { ToggleAll } from "./ToggleAll";
import { TodoItem } from "./TodoItem";
import { useFilter } from "./useFilter";

interface TodoMainProps {
  /** True while the list is empty: the section stays in the page, hidden. */
  hidden: boolean;
}

/** `section.main`: the toggle-all checkbox and the list, filtered by the route. */
export function TodoMain({ hidden }: TodoMainProps) {
  const todos = useAppState((state) => state.todos);
  const filter = useFilter();
  const [editingId, setEditingId] = useState<string | null>(null);
  const onEdit = useCallback((id: string | null) => setEditingId(id), []);

  return (
    <section className="main" hidden={hidden}>
      <ToggleAll />
      <ul className="todo-list">
        {todos
          .filter((todo) => matchesFilter(todo, filter))
          .map((todo) => (
            <TodoItem key={todo.id} todo={todo} editing={todo.id === editingId} onEdit={onEdit} />
          ))}
      </ul>
    </section>
  );
}
