import { useEffect, useState } from "react";

/**
 * A checkbox that follows the click at once, as a field shows what is typed, while the change it
 * asks for is stored (about a millisecond) before the list shows it; from then on, and whenever
 * `value` changes, it shows `value` again. Returns what to show and what to call on a click.
 */
export function useCheckboxEcho(value: boolean): [checked: boolean, clicked: (checked: boolean) => void] {
  const [clicked, setClicked] = useState<boolean | null>(null);
  useEffect(() => setClicked(null), [value]);
  return [clicked ?? value, setClicked];
}
