import type { Logger } from "pino";
import type { SessionStore } from "../store/Store.js";

/**
 * How often expired sessions are deleted. Reads already ignore them, so this only bounds the
 * table's size; 15 minutes keeps each delete small without running it on every request.
 */
export const SESSION_PURGE_INTERVAL_MS = 15 * 60_000;

/**
 * Deletes expired sessions now and then every `intervalMs`, on a timer that never keeps the
 * process alive. A failed purge is logged and tried again on the next tick.
 * @returns stops the timer
 */
export function startSessionPurge(sessions: Pick<SessionStore, "deleteExpired">, logger: Logger, intervalMs = SESSION_PURGE_INTERVAL_MS): () => void {
  const purge = () => {
    sessions.deleteExpired(Date.now()).catch((err: unknown) => logger.warn({ err }, "deleting expired sessions failed"));
  };
  purge();
  const timer = setInterval(purge, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
