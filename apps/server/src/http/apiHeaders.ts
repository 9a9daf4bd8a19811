import type { RequestHandler } from "express";

/**
 * The response headers every API answer carries. helmet's full set (a CSP and a dozen more) is
 * for documents a browser renders and is mounted in front of the web app only; a JSON answer needs
 * just these, set as one fixed list (docs/performance.md).
 */
export function apiHeaders(options: { hsts: boolean }): RequestHandler {
  const headers: [string, string][] = [
    // API answers are per-user and change with every write: never stored by any cache.
    ["Cache-Control", "no-store"],
    // A JSON body must never be sniffed into something a browser would execute or render.
    ["X-Content-Type-Options", "nosniff"],
    // Only the app's own pages may load API answers as subresources.
    ["Cross-Origin-Resource-Policy", "same-origin"],
  ];
  // Same policy as helmet's default; only in production, where the app is served over HTTPS.
  if (options.hsts) headers.push(["Strict-Transport-Security", "max-age=31536000; includeSubDomains"]);
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
