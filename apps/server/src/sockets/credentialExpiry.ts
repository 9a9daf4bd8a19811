import type { Logger } from "pino";
import type { SessionStore, TokenStore } from "../store/Store.js";
import { credentialTag, type Credential } from "./tags.js";

export interface CredentialExpiryOptions {
  sessions: Pick<SessionStore, "find">;
  tokens: Pick<TokenStore, "findById">;
  /** How often expiries are checked: a socket outlives its session or token by at most this long. */
  intervalMs: number;
  /** Closes, on every instance, the sockets the expired credential opened. */
  onExpired: (credential: Credential) => void;
  logger: Logger;
}

/**
 * Closes the sockets of browser sessions and API tokens that expire while they are open. A
 * credential is checked at the upgrade only, and an open socket keeps receiving its user's
 * changes however long it stays open: without this, a tab left open on a shared computer would go
 * on showing new todos long after its session had timed out, and an expired token's app would too.
 *
 * It remembers, per credential that opened a socket here, when that credential was last known to
 * expire. Every `intervalMs` it looks again at those whose time has come: one the store no longer
 * has (expired, signed out or revoked elsewhere) gets its sockets closed with 4001, which tells the
 * client to sign in again; a session that was used meanwhile (and so rolled forward) is remembered
 * with its new expiry. One entry per credential rather than per socket, and a store read only when
 * an expiry is due.
 */
export class CredentialExpiry {
  readonly #options: CredentialExpiryOptions;
  /** credential tag → the credential and when it expires, as last read from the store (epoch ms) */
  readonly #expiries = new Map<string, { credential: Credential; expiresAt: number }>();
  readonly #timer: NodeJS.Timeout;
  #sweeping = false;

  constructor(options: CredentialExpiryOptions) {
    this.#options = options;
    this.#timer = setInterval(() => void this.sweep(), options.intervalMs);
    // Never what keeps the process alive.
    this.#timer.unref();
  }

  /** A socket of this credential opened here; it expires at `expiresAt` unless it rolls. */
  watch(credential: Credential, expiresAt: number): void {
    const key = credentialTag(credential);
    this.#expiries.set(key, { credential, expiresAt: Math.max(expiresAt, this.#expiries.get(key)?.expiresAt ?? 0) });
  }

  /** How many credentials are remembered (for tests and diagnostics). */
  get size(): number {
    return this.#expiries.size;
  }

  /**
   * Checks the credentials whose expiry has passed (also run on the timer).
   * @returns how many were found expired
   */
  async sweep(now = Date.now()): Promise<number> {
    // A slow store must not start a second sweep over the same credentials.
    if (this.#sweeping) return 0;
    this.#sweeping = true;
    let expired = 0;
    try {
      for (const [key, { credential, expiresAt }] of this.#expiries) {
        if (expiresAt > now) continue;
        const liveUntil = await this.#liveUntil(credential, now);
        if (liveUntil === null) {
          this.#expiries.delete(key);
          this.#options.onExpired(credential);
          expired += 1;
        } else {
          this.#expiries.set(key, { credential, expiresAt: liveUntil });
        }
      }
    } catch (err) {
      // The store is down: the credentials stay remembered and the next sweep looks again.
      this.#options.logger.warn({ err }, "checking session and token expiries failed");
    } finally {
      this.#sweeping = false;
    }
    return expired;
  }

  /** When the credential now expires, or null when it is gone. */
  async #liveUntil(credential: Credential, now: number): Promise<number | null> {
    if ("sessionId" in credential) return (await this.#options.sessions.find(credential.sessionId, now))?.expiresAt ?? null;
    const token = await this.#options.tokens.findById(credential.tokenId, new Date(now).toISOString());
    return token === null ? null : Date.parse(token.expiresAt);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
