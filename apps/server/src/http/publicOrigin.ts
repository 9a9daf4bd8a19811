import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { SOCKET_PATH, TICKET_PARAM } from "@tandem/protocol";

/** The origin (`https://todo.example.com`) a browser used to reach the app, for one request. */
export type OriginOf = (req: IncomingMessage) => string;

export interface PublicOriginOptions {
  /** PUBLIC_URL, already reduced to its origin: when set, the answer for every request. */
  publicUrl: string | undefined;
  /** TRUST_PROXY: from one hop up, the nearest proxy's X-Forwarded-Proto and -Host are believed. */
  trustProxy: number;
}

/**
 * The app's own origin, as socket URIs and the Origin checks (the HTTP CSRF guard and the socket
 * upgrade's) need it. With PUBLIC_URL it is that, whatever the request says: behind a router the
 * Host and X-Forwarded-Host headers are the client's to choose, so a URI built from them could
 * point anywhere. Without it (development, tests), it is the request's scheme and host, read as
 * Express reads `req.protocol` and `req.host` with `trust proxy` set to a hop count: the first
 * value of X-Forwarded-Proto / X-Forwarded-Host when a proxy is trusted, the connection and the
 * Host header otherwise. HTTP requests and upgrades (which Express never sees) read it here alike.
 */
export function publicOrigin({ publicUrl, trustProxy }: PublicOriginOptions): OriginOf {
  if (publicUrl !== undefined) return () => publicUrl;
  const trusted = trustProxy > 0;
  return (req) => {
    const proto = (trusted ? firstValue(req.headers["x-forwarded-proto"]) : undefined) ?? ((req.socket as Partial<TLSSocket>).encrypted ? "https" : "http");
    const host = (trusted ? firstValue(req.headers["x-forwarded-host"]) : undefined) ?? req.headers.host ?? "";
    return `${proto}://${host}`;
  };
}

/** The socket URI for a ticket: the same origin, `wss` for `https` and `ws` for `http`. */
export function socketUri(origin: string, ticket: string): string {
  const scheme = origin.startsWith("https:") ? "wss" : "ws";
  return `${scheme}://${origin.slice(origin.indexOf("://") + 3)}${SOCKET_PATH}?${TICKET_PARAM}=${ticket}`;
}

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(",")[0]?.trim() || undefined;
}
