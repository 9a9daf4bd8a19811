/**
 * "just now", "2 minutes ago", "yesterday", "3 weeks ago": how long ago `then` was, as people say
 * it. Intl.RelativeTimeFormat picks the words (and `numeric: "auto"` gives "yesterday"); this only
 * picks the unit. A time slightly in the future (another device's clock) reads as "just now".
 */
const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 24 * 3600_000],
  ["month", 30 * 24 * 3600_000],
  ["week", 7 * 24 * 3600_000],
  ["day", 24 * 3600_000],
  ["hour", 3600_000],
  ["minute", 60_000],
];

/** Below this, "just now": a minute-level roster need not count seconds. */
export const JUST_NOW_MS = 60_000;

const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

export function formatRelative(then: number, now: number): string {
  const elapsed = now - then;
  if (elapsed < JUST_NOW_MS) return "just now";
  for (const [unit, size] of UNITS) {
    if (elapsed >= size) return format.format(-Math.floor(elapsed / size), unit);
  }
  return "just now";
}

/**
 * How long until `formatRelative(then, now)` can next read differently: a page showing the
 * text re-renders then, not every second.
 */
export function nextChangeIn(then: number, now: number): number {
  const elapsed = Math.max(0, now - then);
  if (elapsed < JUST_NOW_MS) return JUST_NOW_MS - elapsed;
  const size = UNITS.find(([, ms]) => elapsed >= ms)?.[1] ?? JUST_NOW_MS;
  return size - (elapsed % size);
}
