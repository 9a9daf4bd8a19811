import { createHmac, randomBytes, randomUUID } from "node:crypto";
import type { Request, Response } from "express";
import { parseCookie, stringifySetCookie } from "cookie";
import type { User } from "@tandem/protocol";
import type { SessionRecord, SessionStore } from "../store/Store.js";
import { sessionResolution } from "../sessionResolution.js";
import { AppError } from "../errors.js";
import { LAST_USED_RESOLUTION_MS } from "./apiTokens.js";
import { deviceName } from "./deviceName.js";

export const SESSION_COOKIE = "tandem.sid";

/** How many cookie → id hashes `idOf` remembers (a few MB at most). */
const ID_MEMO_SIZE = 10_000;

/** 256 bits from the CSPRNG: a session secret cannot be guessed. */
const SECRET_BYTES = 32;
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface SessionSettings {
  /** Keys the hash that turns a cookie's secret into the stored session id (SESSION_SECRET). */
  key: string;
  idleMs: number;
  absoluteMs: number;
  /** `Secure` cookies (production): only handed out over HTTPS, as the browser sees it. */
  secureCookie: boolean;
}

/** The session a request carries, once resolved. `id` is the stored id, never the cookie's secret. */
export interface LiveSession {
  id: string;
  userId: string;
}

/** A live session and the device it is (see auth/devices.ts). */
export interface DeviceSession extends LiveSession {
  deviceId: string;
}

/** A live session with its user, as a request's cookie resolves to. */
export interface ResolvedSession extends DeviceSession {
  user: User;
}

/**
 * Browser sessions, kept in the app's own database so they survive restarts and are shared by
 * every instance.
 *
 * The cookie holds a random secret and nothing else; the database holds HMAC(SESSION_SECRET,
 * secret) as the session's id, the way API tokens are stored by their hash: a copy of the database
 * (or of a socket ticket, which names the session by that id) gives no usable cookie, and a new
 * SESSION_SECRET signs everyone out. An unknown or forged cookie simply finds no session.
 *
 * The idle timeout rolls forward with use, at most once per resolution (a tenth of the timeout,
 * at most an hour), so an ordinary request writes nothing; `signedInAt` caps the total lifetime.
 *
 * Our own rather than express-session, for CPU per write (docs/performance.md): one indexed read
 * per request, a write only when the session rolls.
 */
export class Sessions {
  readonly #store: SessionStore;
  readonly #settings: SessionSettings;
  readonly #rollEveryMs: number;
  readonly #cookieName: string;
  /**
   * Cookie secret → session id, remembered so the same few cookies are not HMAC-ed on every request
   * (docs/performance.md). The memo only saves hashing: whether a session is live is always the
   * database's answer.
   */
  readonly #ids = new Map<string, string>();

  constructor(store: SessionStore, settings: SessionSettings) {
    this.#store = store;
    this.#settings = settings;
    this.#rollEveryMs = sessionResolution(settings.idleMs);
    this.#cookieName = settings.secureCookie ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
  }

  /**
   * The request's live session, or null. A session used after its absolute lifetime is deleted.
   * A session due for rolling is extended and its cookie sent again with the new expiry.
   *
   * A dead cookie is left alone (not cleared): another tab may have just signed in, and clearing
   * would race with, and erase, the cookie it was given.
   */
  async resolve(req: Request, res: Response, now = Date.now()): Promise<ResolvedSession | null> {
    const secret = this.#secretOf(req.headers.cookie);
    if (secret === null) return null;
    const found = await this.#store.findWithUser(this.idOf(secret), now);
    if (found === null) return null;
    const { session, user } = found;
    const endOfLife = session.signedInAt + this.#settings.absoluteMs;
    // Stored expiries never pass the absolute lifetime (see #expiryAt); this catches clock changes.
    if (now >= endOfLife) {
      await this.#store.delete(session.id);
      return null;
    }
    if (session.expiresAt < endOfLife && now - (session.expiresAt - this.#settings.idleMs) >= this.#rollEveryMs) {
      const expiresAt = this.#expiryAt(now, session.signedInAt);
      await this.#store.extend(session.id, expiresAt);
      this.#setCookie(res, secret, expiresAt);
    }
    // "Last seen" is for people: recorded at most once a minute, like a token's "last used".
    if (now - session.lastSeenAt >= LAST_USED_RESOLUTION_MS) await this.#store.markSeen(session.id, now);
    return { id: session.id, userId: session.userId, deviceId: session.deviceId, user };
  }

  /**
   * Refuses to sign in where the cookie could not be set: a `Secure` cookie over plain HTTP (a
   * request that reached the server without the proxy's `X-Forwarded-Proto: https`). Called
   * before the credentials are checked or an account is made, so nothing is half done.
   */
  assertCanStart(req: Request): void {
    if (this.#settings.secureCookie && !req.secure) {
      throw new AppError("forbidden", "sign in over HTTPS: the session cookie is only sent over it");
    }
  }

  /**
   * Signs `userId` in with a brand-new session (a session id planted before sign-in is worthless)
   * and ends the one the request came with, if any.
   */
  async start(req: Request, res: Response, userId: string, previous: LiveSession | null, now = Date.now()): Promise<DeviceSession> {
    this.assertCanStart(req);
    if (previous !== null) await this.#store.delete(previous.id);
    const secret = randomBytes(SECRET_BYTES).toString("base64url");
    const record: SessionRecord = {
      id: this.idOf(secret),
      userId,
      signedInAt: now,
      expiresAt: this.#expiryAt(now, now),
      // A new sign-in is a new device: the browser's earlier session (if any) just ended.
      deviceId: randomUUID(),
      name: deviceName(req.headers["user-agent"]),
      createdAt: now,
      lastSeenAt: now,
    };
    await this.#store.create(record);
    this.#setCookie(res, secret, record.expiresAt);
    return { id: record.id, userId, deviceId: record.deviceId };
  }

  /**
   * Moves the request's session to a new secret, and so a new id (after a password change: a
   * cookie stolen before it opens nothing after), keeping its device. The new cookie goes out
   * with the response. @returns the new session, or null when the old one is already gone
   */
  async renew(res: Response, session: DeviceSession, now = Date.now()): Promise<DeviceSession | null> {
    const secret = randomBytes(SECRET_BYTES).toString("base64url");
    const next = { id: this.idOf(secret), signedInAt: now, expiresAt: this.#expiryAt(now, now) };
    if (!(await this.#store.renew(session.id, next))) return null;
    this.#setCookie(res, secret, next.expiresAt);
    return { id: next.id, userId: session.userId, deviceId: session.deviceId };
  }

  /** Ends a session and tells the browser to forget its cookie. */
  async end(res: Response, session: LiveSession | null): Promise<void> {
    if (session !== null) await this.#store.delete(session.id);
    res.clearCookie(this.#cookieName, { path: "/", httpOnly: true, sameSite: "lax", secure: this.#settings.secureCookie });
  }

  /** The stored id of the session a cookie's secret opens. */
  idOf(secret: string): string {
    let id = this.#ids.get(secret);
    if (id === undefined) {
      id = createHmac("sha256", this.#settings.key).update(secret).digest("hex");
      // Insertion order is age: the oldest entry goes first.
      if (this.#ids.size >= ID_MEMO_SIZE) this.#ids.delete(this.#ids.keys().next().value as string);
      this.#ids.set(secret, id);
    }
    return id;
  }

  /** The stored id of the session a Cookie header carries, or null when it carries none. */
  idFromCookieHeader(header: string | undefined): string | null {
    const secret = this.#secretOf(header);
    return secret === null ? null : this.idOf(secret);
  }

  /**
   * `__Host-tandem.sid` where cookies are `Secure`: the prefix makes the browser refuse the cookie
   * unless it is Secure, host-only and for `/`, so a sibling subdomain cannot plant or shadow it.
   */
  get cookieName(): string {
    return this.#cookieName;
  }

  /** The idle expiry from `now`, never past the absolute lifetime. */
  #expiryAt(now: number, signedInAt: number): number {
    return Math.min(now + this.#settings.idleMs, signedInAt + this.#settings.absoluteMs);
  }

  #setCookie(res: Response, secret: string, expiresAt: number): void {
    res.append(
      "Set-Cookie",
      stringifySetCookie(this.#cookieName, secret, {
        httpOnly: true,
        sameSite: "lax",
        secure: this.#settings.secureCookie,
        path: "/",
        expires: new Date(expiresAt),
      }),
    );
  }

  /** The session secret in a Cookie header: null when absent or not shaped like one of ours. */
  #secretOf(header: string | undefined): string | null {
    const name = this.#cookieName;
    if (header === undefined || !header.includes(name)) return null;
    const value = parseCookie(header)[name];
    return value !== undefined && SECRET_SHAPE.test(value) ? value : null;
  }
}
