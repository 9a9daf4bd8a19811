import { memo } from "react";
import type { ListItem } from "../../state/listItems";
import { useAppState } from "../AppContext";
import { TodoEditInput } from "./TodoEditInput";
import { TodoView } from "./TodoView";
import { useReturnFocus } from "./useReturnFocus";

interface TodoItemProps {
  todo: ListItem;
  editing: boolean;
  onEdit(id: string | null): void;
}

/**
 * One `li` of the TodoMVC list. `data-pending` marks a change the server has not confirmed
 * yet; the `class` is kept to exactly TodoMVC's `completed` / `editing`, which end-to-end
 * suites compare verbatim. Memoised: a change to another todo does not re-render this one.
 */
export const TodoItem = memo(function TodoItem({ todo, editing, onEdit }: TodoItemProps) {
  const editTodo = useAppState((state) => state.editTodo);
  const { label, returnFocusAfterEdit } = useReturnFocus(editing);

  function onEditDone(text: string | null, byKeyboard: boolean) {
    returnFocusAfterEdit(byKeyboard);
    onEdit(null);
    if (text !== null) editTodo(todo.id, text);
  }

  const className = [todo.done && "completed", editing && "editing"].filter(Boolean).join(" ");
  return (
    <li className={className || undefined} data-testid="todo-item" data-pending={todo.pending || undefined}>
      <TodoView todo={todo} labelRef={label} onStartEdit={() => onEdit(todo.id)} />
      {editing && <TodoEditInput initialText={todo.text} onDone={onEditDone} />}
    </li>
  );
});
