import { TODO_TEXT_MAX } from "@tandem/protocol";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";

interface TodoEditInputProps {
  initialText: string;
  /** Called once: with the draft on Enter or blur, or with null on Escape. */
  onDone(text: string | null, byKeyboard: boolean): void;
}

/** The `input.edit` of a todo being edited: Enter or blur saves, Escape cancels. */
export function TodoEditInput({ initialText, onDone }: TodoEditInputProps) {
  const [draft, setDraft] = useState(initialText);
  const input = useRef<HTMLInputElement>(null);
  // Enter and Escape end the edit, which unmounts the input, and some browsers then fire a
  // blur: without this guard that blur would save a second time, or save a cancelled edit.
  const finished = useRef(false);

  useEffect(() => {
    const element = input.current;
    if (!element) return;
    element.focus();
    element.setSelectionRange(element.value.length, element.value.length);
  }, []);

  function finish(text: string | null, byKeyboard: boolean) {
    if (finished.current) return;
    finished.current = true;
    onDone(text, byKeyboard);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.nativeEvent.isComposing) return;
    if (event.key === "Enter") finish(draft, true);
    else if (event.key === "Escape") finish(null, true);
  }

  return (
    <input
      ref={input}
      className="edit"
      aria-label={`Edit “${initialText}”`}
      maxLength={TODO_TEXT_MAX}
      value={draft}
      onChange={(event) => setDraft(event.target.value)}
      onKeyDown={onKeyDown}
      onBlur={() => finish(draft, false)}
    />
  );
}
