import { useAppState } from "../AppContext";
import { useCheckboxEcho } from "./useCheckboxEcho";

/** Checked when every todo is done; checking it marks all as done, unchecking all as active. */
export function ToggleAll() {
  const allDone = useAppState((state) => state.todos.length > 0 && state.todos.every((todo) => todo.done));
  const toggleAll = useAppState((state) => state.toggleAll);
  const [checked, clicked] = useCheckboxEcho(allDone);
  return (
    <>
      <input
        id="toggle-all"
        className="toggle-all"
        type="checkbox"
        checked={checked}
        onChange={(event) => {
          clicked(event.target.checked);
          toggleAll(event.target.checked);
        }}
      />
      <label htmlFor="toggle-all">Mark all as complete</label>
    </>
  );
}
