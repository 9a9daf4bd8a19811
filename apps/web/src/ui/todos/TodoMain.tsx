import { useCallback, useRef, useState } from "react";
import type { ListItem } from "../../state/listItems";
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
  // The todo being edited as last seen: if it is deleted elsewhere mid-edit, its editor stays
  // (with what was typed) so the person can keep the text as a new todo.
  const lastEdited = useRef<ListItem | null>(null);
  const edited = editingId === null ? undefined : todos.find((todo) => todo.id === editingId);
  if (edited) lastEdited.current = edited;
  const gone = editingId !== null && edited === undefined && lastEdited.current?.id === editingId ? lastEdited.current : null;
  const shown = todos.filter((todo) => matchesFilter(todo, filter));

  return (
    <section className="main" hidden={hidden && gone === null}>
      <ToggleAll />
      <ul className="todo-list">
        {(gone ? [...shown, gone] : shown).map((todo) => (
          <TodoItem key={todo.id} todo={todo} editing={todo.id === editingId} gone={todo === gone} onEdit={onEdit} />
        ))}
      </ul>
    </section>
  );
}
