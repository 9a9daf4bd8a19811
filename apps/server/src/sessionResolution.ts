/**
 * How precisely a browser session's idle timeout is kept: a tenth of the timeout, at most an
 * hour. Rolling a session (pushing its expiry forward) costs a write and a re-signed cookie, so it
 * is done at most this often per session instead of on every request; a session can therefore end
 * up to this much before a precise rolling timeout would have ended it (an hour of 14 days).
 */
export function sessionResolution(idleTimeoutMs: number): number {
  return Math.min(60 * 60_000, Math.floor(idleTimeoutMs / 10));
}
