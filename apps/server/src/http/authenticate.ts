import type { Request, RequestHandler } from "express";
import type { User } from "@tandem/protocol";
import type { Store } from "../store/Store.js";
import { looksLikeToken, useToken } from "../auth/apiTokens.js";
import type { Sessions } from "../auth/sessions.js";
import { AppError } from "../errors.js";

/** Who is making the request, and with which credential (sign-out and revocation need the latter). */
export type Principal =
  | { user: User; via: "session"; sessionId: string; deviceId: string }
  | { user: User; via: "token"; tokenId: string; deviceId: string };

declare module "express-serve-static-core" {
  interface Request {
    principal?: Principal;
  }
}

/**
 * Resolves the request's principal from `Authorization: Bearer <token>` or else the session
 * cookie. A bearer header that does not name a live token is a 401 at once: it never falls back
 * to the cookie, so a client always learns that its token is dead.
 */
export function authenticate(store: Store, sessions: Sessions): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1] || !looksLikeToken(match[1])) throw new AppError("unauthorized", "malformed bearer token");
      const token = await useToken(store.tokens, match[1]);
      const user = token && (await store.users.findById(token.userId));
      if (!token || !user) throw new AppError("unauthorized", "this token is not valid");
      // A token is its own device: its id is the device's.
      req.principal = { user, via: "token", tokenId: token.id, deviceId: token.id };
      next();
      return;
    }

    const session = await sessions.resolve(req, res);
    if (session) req.principal = { user: session.user, via: "session", sessionId: session.id, deviceId: session.deviceId };
    next();
  };
}

const signInFirst = () => new AppError("unauthorized", "sign in first");

export const requireAuth: RequestHandler = (req, _res, next) => {
  next(req.principal ? undefined : signInFirst());
};

/** The signed-in principal of a request that passed `requireAuth`. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw signInFirst();
  return req.principal;
}
