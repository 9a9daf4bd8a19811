import type { Logger } from "pino";
import type { SessionStore } from "../store/Store.js";

export interface SessionExpiryOptions {
  sessions: Pick<SessionStore, "find">;
  /** How often expiries are checked: a socket outlives its session by at most this long. */
  intervalMs: number;
  /** Closes, on every instance, the sockets the expired session opened. */
  onExpired: (sessionId: string) => void;
  logger: Logger;
}

/**
 * Closes the sockets of browser sessions that expire while they are open. A session is checked at
 * the upgrade only, and an open socket keeps receiving its user's changes however long it stays
 * open: without this, a tab left open on a shared computer would go on showing new todos long
 * after its session had timed out.
 *
 * It remembers, per session that opened a socket here, when that session was last known to expire.
 * Every `intervalMs` it looks again at the sessions whose time has come: one the store no longer
 * has (expired, or signed out elsewhere) gets its sockets closed with 4001, which tells the page
 * to sign in again; one that was used meanwhile (and so rolled forward) is remembered with its new
 * expiry. One entry per session rather than per socket, and a store read only when an expiry is
 * due. API tokens do not expire; revoking one closes its sockets at once (see app.ts).
 */
export class SessionExpiry {
  readonly #options: SessionExpiryOptions;
  /** sessionId → when it expires, as last read from the store (epoch ms) */
  readonly #expiries = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;
  #sweeping = false;

  constructor(options: SessionExpiryOptions) {
    this.#options = options;
    this.#timer = setInterval(() => void this.sweep(), options.intervalMs);
    // Never what keeps the process alive.
    this.#timer.unref();
  }

  /** A socket of this session opened here; the session expires at `expiresAt` unless it rolls. */
  watch(sessionId: string, expiresAt: number): void {
    this.#expiries.set(sessionId, Math.max(expiresAt, this.#expiries.get(sessionId) ?? 0));
  }

  /** How many sessions are remembered (for tests and diagnostics). */
  get size(): number {
    return this.#expiries.size;
  }

  /**
   * Checks the sessions whose expiry has passed (also run on the timer).
   * @returns how many were found expired
   */
  async sweep(now = Date.now()): Promise<number> {
    // A slow store must not start a second sweep over the same sessions.
    if (this.#sweeping) return 0;
    this.#sweeping = true;
    let expired = 0;
    try {
      for (const [sessionId, expiresAt] of this.#expiries) {
        if (expiresAt > now) continue;
        const session = await this.#options.sessions.find(sessionId, now);
        if (session === null) {
          this.#expiries.delete(sessionId);
          this.#options.onExpired(sessionId);
          expired += 1;
        } else {
          this.#expiries.set(sessionId, session.expiresAt);
        }
      }
    } catch (err) {
      // The store is down: the sessions stay remembered and the next sweep looks again.
      this.#options.logger.warn({ err }, "checking session expiries failed");
    } finally {
      this.#sweeping = false;
    }
    return expired;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
