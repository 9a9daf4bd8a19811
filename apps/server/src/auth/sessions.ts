import session, { type Store as SessionStore } from "express-session";
import type { RequestHandler } from "express";
import type { Config } from "../config.js";

declare module "express-session" {
  interface SessionData {
    userId: string;
    /** When the user signed in (ms): the absolute lifetime counts from here, however active the session. */
    signedInAt: number;
  }
}

export const SESSION_COOKIE = "tandem.sid";

/**
 * Browser sessions. The store is the app's own database (never the MemoryStore), so sessions
 * survive a restart and are shared by every instance. The cookie rolls: each response pushes the
 * idle timeout forward, while `signedInAt` caps the total lifetime (checked in `authenticate`).
 */
export function sessionMiddleware(config: Config, store: SessionStore, secret: string): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
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
