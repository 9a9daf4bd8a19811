/**
 * A wait said the way a person says it: seconds under a minute ("45 seconds"), whole minutes
 * (rounded up) from there on ("15 minutes"). The server writes refusals with it and the web app
 * shows them as they are, so a wait is said once, in one unit.
 */
export function describeWait(seconds: number): string {
  if (seconds < 60) {
    const whole = Math.max(1, Math.ceil(seconds));
    return `${whole} second${whole === 1 ? "" : "s"}`;
  }
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
