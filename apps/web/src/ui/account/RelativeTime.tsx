import { useEffect, useState } from "react";
import { formatRelative, nextChangeIn } from "./relativeTime";

/**
 * "2 minutes ago", kept true as time passes: it re-renders when its text would next change
 * (once a minute at most), not on a fixed tick. The exact time is in the `title`.
 */
export function RelativeTime({ at }: { at: string }) {
  const then = Date.parse(at);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setTimeout(() => setNow(Date.now()), nextChangeIn(then, Date.now()));
    return () => window.clearTimeout(timer);
  }, [then, now]);
  return (
    <time dateTime={at} title={new Date(then).toLocaleString()}>
      {formatRelative(then, now)}
    </time>
  );
}
