import { randomUUID } from "node:crypto";
import type { Express, Request, RequestHandler } from "express";
import type { Logger } from "pino";

declare module "express-serve-static-core" {
  interface Request {
    /** The request id: in the logs, in `X-Request-Id`, and in the `meta.requestId` of its events. */
    id: string;
    /** A logger whose lines carry this request's id (made on first use). */
    readonly log: Logger;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;
const CHILD = Symbol("request logger");

/**
 * Gives every request an id and a logger, and logs one line per request: the router's
 * `X-Request-Id` when it looks sane (so logs line up with the platform's), a fresh UUID
 * otherwise. The id is echoed back.
 *
 * Cheap on the hot path (our own rather than pino-http, for CPU per write: docs/performance.md):
 * `req.log` is a getter on the app's request prototype, so the child logger is only built for a
 * request that logs something; and the completion line (successes at debug, client errors at
 * info) is only listened for when `info` is enabled. Server errors are logged by the error handler at any level.
 * Only the method and the path are logged: the query may carry a socket ticket.
 */
export function requestLogger(app: Express, logger: Logger): RequestHandler {
  Object.defineProperty(app.request, "log", {
    configurable: true,
    get(this: Request & { [CHILD]?: Logger }): Logger {
      // originalUrl, not url: routers mounted below rewrite req.url to their own relative path.
      this[CHILD] ??= logger.child({ req: { id: this.id, method: this.method, path: this.originalUrl.split("?")[0], ip: this.ip } });
      return this[CHILD];
    },
  });
  const completionLines = logger.isLevelEnabled("info");
  return (req, res, next) => {
    const incoming = req.headers["x-request-id"];
    const id = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader("X-Request-Id", id);
    if (completionLines) {
      const started = performance.now();
      res.once("finish", () => {
        const status = res.statusCode;
        const level = status >= 500 ? "error" : status >= 400 ? "info" : "debug";
        if (!logger.isLevelEnabled(level)) return;
        req.log[level]({ res: { status }, responseTime: Math.round(performance.now() - started) }, "request completed");
      });
    }
    next();
  };
}
