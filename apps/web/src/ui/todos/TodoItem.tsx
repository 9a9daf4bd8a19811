import { memo, useRef } from "react";
import type { ListItem } from "../../state/listItems";
import { useAppState } from "../AppContext";
import { TodoEditInput } from "./TodoEditInput";
import { TodoView } from "./TodoView";
import { useReturnFocus } from "./useReturnFocus";

interface TodoItemProps {
  todo: ListItem;
  editing: boolean;
  /** The todo was deleted (on another device) while being edited: only the editor is left. */
  gone?: boolean;
  onEdit(id: string | null): void;
}

/**
 * One `li` of the TodoMVC list. `data-pending` marks a change the server has not confirmed
 * yet; the `class` is kept to exactly TodoMVC's `completed` / `editing`, which end-to-end
 * suites compare verbatim. Memoised: a change to another todo does not re-render this one.
 *
 * An edit remembers the text and version it started from: when the text changed elsewhere
 * meanwhile, the save names that version (so the server refuses it, and the person then
 * chooses), and the change from elsewhere is shown under the editor while the draft is kept.
 */
export const TodoItem = memo(function TodoItem({ todo, editing, gone = false, onEdit }: TodoItemProps) {
  const editTodo = useAppState((state) => state.editTodo);
  const addTodo = useAppState((state) => state.addTodo);
  const { label, returnFocusAfterEdit } = useReturnFocus(editing);
  const started = useRef<{ text: string; version: number | null } | null>(null);
  if (editing && started.current === null) started.current = { text: todo.text, version: todo.version };
  if (!editing) started.current = null;
  const start = started.current;

  function onEditDone(text: string | null, byKeyboard: boolean) {
    returnFocusAfterEdit(byKeyboard);
    onEdit(null);
    if (text === null) return;
    if (gone) {
      if (text.trim() !== "") addTodo(text);
      return;
    }
    // The text is what a save could overwrite: while nobody changed it, the todo as it is now is
    // the base (a toggle meanwhile, the person's own or another device's, is no conflict).
    const base = start === null || todo.text === start.text ? todo.version : start.version;
    editTodo(todo.id, text, base);
  }

  const note = !editing || start === null ? null : gone ? "gone" : todo.text !== start.text ? todo.text : null;
  const className = [todo.done && "completed", editing && "editing"].filter(Boolean).join(" ");
  return (
    <li className={className || undefined} data-testid="todo-item" data-pending={todo.pending || undefined}>
      <TodoView todo={todo} labelRef={label} onStartEdit={() => onEdit(todo.id)} />
      {editing && <TodoEditInput initialText={start?.text ?? todo.text} onDone={onEditDone} />}
      {note !== null && (
        <p className="edit-note" data-testid="edit-note" role="status">
          {note === "gone"
            ? "Deleted on another device. Enter keeps your text as a new todo; Escape drops it."
            : `Changed on another device to “${note}”. Enter saves yours (you'll be asked which to keep); Escape keeps theirs.`}
        </p>
      )}
    </li>
  );
});
