import session, { type Store as SessionStore } from "express-session";
import type { Request, RequestHandler } from "express";
import type { Config } from "../config.js";

declare module "express-session" {
  interface SessionData {
    userId: string;
    /** When the user signed in (ms): the absolute lifetime counts from here, however active the session. */
    signedInAt: number;
    /** When the idle timeout was last pushed forward (ms); see `rollSession`. */
    rolledAt: number;
  }
}

export const SESSION_COOKIE = "tandem.sid";

/**
 * Browser sessions. The store is the app's own database (never the MemoryStore), so sessions
 * survive a restart and are shared by every instance. The idle timeout rolls forward with use
 * (`rollSession`), while `signedInAt` caps the total lifetime (checked in `authenticate`).
 */
export function sessionMiddleware(config: Config, store: SessionStore, secret: string): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret,
    store,
    resave: false,
    saveUninitialized: false,
    // Rolled by hand, at most once per resolution (express-session's `rolling` re-signs the cookie
    // and rewrites the session on every request).
    rolling: false,
    proxy: config.TRUST_PROXY > 0,
    cookie: {
      httpOnly: true,
      sameSite: "lax",
      secure: config.production,
      maxAge: config.SESSION_IDLE_TIMEOUT_MS,
      path: "/",
    },
  });
}

/**
 * Pushes a signed-in session's idle timeout forward when it was last pushed more than `resolutionMs`
 * ago. Changing the session makes express-session save it and send a fresh cookie (`rolling: false`
 * does that for modified sessions), so both the stored and the browser's expiry move together.
 */
export function rollSession(req: Request, resolutionMs: number, now = Date.now()): void {
  if (now - (req.session.rolledAt ?? 0) < resolutionMs) return;
  req.session.rolledAt = now;
}
