import { TODO_TEXT_MAX } from "@tandem/protocol";
import { useState, type KeyboardEvent } from "react";
import { useAppState } from "../AppContext";

/**
 * React focuses `autoFocus` inputs itself and leaves the attribute out of the DOM; the TodoMVC
 * contract looks for the attribute, so it is written back.
 */
function markAutofocus(input: HTMLInputElement | null) {
  input?.setAttribute("autofocus", "");
}

/**
 * TodoMVC's header: Enter adds the trimmed text (empty is ignored), clears the input and keeps
 * the focus there for the next one.
 */
export function NewTodo() {
  const addTodo = useAppState((state) => state.addTodo);
  const [text, setText] = useState("");

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    // isComposing: Enter that confirms an IME composition (Japanese, Chinese…) is not a submit.
    if (event.key !== "Enter" || event.nativeEvent.isComposing) return;
    event.preventDefault();
    if (text.trim() === "") return;
    if (addTodo(text)) setText("");
  }

  return (
    <header className="header">
      <h1>todos</h1>
      <input
        className="new-todo"
        placeholder="What needs to be done?"
        aria-label="New todo"
        ref={markAutofocus}
        autoFocus
        maxLength={TODO_TEXT_MAX}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
      />
    </header>
  );
}
