import type { Request, RequestHandler } from "express";
import { AppError } from "../errors.js";
import { isStateChanging } from "./jsonBody.js";
import type { OriginOf } from "./publicOrigin.js";

export function isAllowedOrigin(origin: string, own: string, allowed: readonly string[]): boolean {
  return origin === own || allowed.includes(origin);
}

/**
 * Cross-site request forgery guard for cookie-carrying requests: a state-changing request whose
 * `Origin` is present and is neither the app's own (`originOf`, see publicOrigin.ts) nor allowed
 * is refused. Bearer-token requests are exempt (a browser never attaches a bearer token by
 * itself), and so are requests without `Origin` (native clients).
 */
export function originCheck(originOf: OriginOf, allowedOrigins: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    const origin = req.headers.origin;
    if (!isStateChanging(req.method) || origin === undefined || hasBearer(req)) {
      next();
      return;
    }
    if (!isAllowedOrigin(origin, originOf(req), allowedOrigins)) {
      next(new AppError("forbidden", "cross-origin request refused"));
      return;
    }
    next();
  };
}

export function hasBearer(req: Request): boolean {
  return /^Bearer\s/i.test(req.headers.authorization ?? "");
}
