import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { Router } from "express";

/** The web workspace's build output, relative to this file in src/ and in dist/ alike. */
export function defaultWebDist(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../web/dist");
}

/**
 * Serves the built SPA from the same origin as the API (so cookies stay first-party and the socket
 * passes the Origin check). Hashed assets are cached for a year; index.html never, so a deploy is
 * picked up on the next load. Unknown non-API paths get index.html (client-side routes).
 */
export function webApp(distDir: string): Router {
  const router = Router();
  const index = path.join(distDir, "index.html");
  if (!existsSync(index)) return router;
  router.use(
    "/assets",
    express.static(path.join(distDir, "assets"), { immutable: true, maxAge: "1y", fallthrough: false }),
  );
  router.use(express.static(distDir, { index: false, maxAge: 0 }));
  router.get(/^\/(?!api\/|ws$|healthz$).*/, (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index);
  });
  return router;
}
