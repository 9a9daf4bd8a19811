/** First retry waits up to this long: short enough that a server restart goes unnoticed. */
export const BACKOFF_BASE_MS = 500;
/**
 * No retry waits longer than this. 15 s keeps a tab that lost the server for minutes from
 * feeling dead once it is back, while a few thousand tabs retrying still average well under
 * one attempt per tab per 7 s.
 */
export const BACKOFF_CAP_MS = 15_000;

/**
 * The delay before retry number `attempt` (0 for the first): "full jitter", a uniformly random
 * delay in [0, min(cap, base·2^attempt)). Randomising the whole delay, not just a slice of it,
 * is what spreads out a crowd of clients that all lost the same server at the same moment
 * (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015).
 */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  baseMs: number = BACKOFF_BASE_MS,
  capMs: number = BACKOFF_CAP_MS,
): number {
  // Clamp the exponent so 2^attempt cannot overflow to Infinity after many failures.
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.floor(random() * ceiling);
}
