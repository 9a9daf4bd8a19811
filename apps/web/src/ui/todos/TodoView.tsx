import { useId, type KeyboardEvent, type RefObject } from "react";
import type { ListItem } from "../../state/listItems";
import { useAppState } from "../AppContext";
import { useCheckboxEcho } from "./useCheckboxEcho";

interface TodoViewProps {
  todo: ListItem;
  labelRef: RefObject<HTMLLabelElement | null>;
  onStartEdit(): void;
}

/**
 * `div.view`: the checkbox, the text (double-click or Enter to edit), the delete button, and an
 * edit button that only touch screens show (styles.css), where there is no double-click.
 */
export function TodoView({ todo, labelRef, onStartEdit }: TodoViewProps) {
  const toggleTodo = useAppState((state) => state.toggleTodo);
  const deleteTodo = useAppState((state) => state.deleteTodo);
  const titleId = useId();
  const [checked, clicked] = useCheckboxEcho(todo.done);

  function onLabelKeyDown(event: KeyboardEvent<HTMLLabelElement>) {
    if (event.key === "Enter" || event.key === "F2") {
      event.preventDefault();
      onStartEdit();
    }
  }

  function onDestroy() {
    // The focused button is about to disappear: hand focus to the neighbouring todo (or the
    // new-todo input) so a keyboard user keeps their place instead of landing on <body>.
    const item = labelRef.current?.closest("li");
    const neighbour = item?.nextElementSibling ?? item?.previousElementSibling;
    const target = neighbour?.querySelector<HTMLElement>("label") ?? document.querySelector<HTMLElement>(".new-todo");
    deleteTodo(todo.id);
    target?.focus();
  }

  return (
    <div className="view">
      <input
        className="toggle"
        type="checkbox"
        checked={checked}
        aria-labelledby={titleId}
        onChange={(event) => {
          clicked(event.target.checked);
          toggleTodo(todo.id, event.target.checked);
        }}
      />
      <label
        ref={labelRef}
        id={titleId}
        data-testid="todo-title"
        tabIndex={0}
        title="Double-click, or press Enter, to edit"
        onDoubleClick={onStartEdit}
        onKeyDown={onLabelKeyDown}
      >
        {todo.text}
      </label>
      <button className="edit-button" aria-label={`Edit “${todo.text}”`} data-testid="edit-button" onClick={onStartEdit} />
      <button className="destroy" aria-label={`Delete “${todo.text}”`} onClick={onDestroy} />
    </div>
  );
}
