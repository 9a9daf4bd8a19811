import type { IncomingMessage } from "node:http";
import type { AuthResult } from "@tandem/gateway";
import { ERROR_STATUS, TICKET_PARAM, type ErrorCode } from "@tandem/protocol";
import { AppError } from "../errors.js";
import type { OriginOf } from "../http/publicOrigin.js";
import type { Store } from "../store/Store.js";
import type { Sessions } from "../auth/sessions.js";
import type { Tickets, TicketClaims } from "./tickets.js";
import type { CredentialExpiry } from "./credentialExpiry.js";
import { socketTags, userTag } from "./tags.js";

export interface SocketAuthDeps {
  store: Store;
  sessions: Sessions;
  tickets: Tickets;
  /** The app's own origin for a request (PUBLIC_URL in production; see http/publicOrigin.ts). */
  originOf: OriginOf;
  allowedOrigins: readonly string[];
  /** Told about each session or token that opens a socket, so the socket closes when it expires. */
  credentialExpiry: Pick<CredentialExpiry, "watch">;
}

/** What an open socket knows about itself: its ticket's claims and the device (auth/devices.ts) it belongs to. */
export interface SocketData extends TicketClaims {
  /** The signed-in device (a session's device id, or the token's id), not the per-tab `device`. */
  accountDeviceId: string;
}

/**
 * Decides an upgrade on `/ws` before any WebSocket exists.
 *
 * 1. A browser `Origin` that is not ours (nor allowed) → 403 (`forbidden`). Browsers send cookies
 *    and open sockets cross-site; this stops cross-site WebSocket hijacking. No `Origin` (a native
 *    client) is fine: the ticket is the credential.
 * 2. The ticket must redeem (present, known, unused, unexpired) → else 401 (`unauthorized`).
 * 3. The credential it was issued to must still be live (signed out meanwhile → 401).
 *
 * A store that cannot answer (the tickets' Redis, the database) refuses with its error's status
 * (503 `unavailable`), as the HTTP API would; anything else thrown is a bug (the gateway's 500).
 */
export function socketAuth({ store, sessions, tickets, originOf, allowedOrigins, credentialExpiry }: SocketAuthDeps) {
  return async (req: IncomingMessage): Promise<AuthResult<SocketData>> => {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== originOf(req) && !allowedOrigins.includes(origin)) {
      return refuse("forbidden", "cross-origin socket refused");
    }
    const ticket = new URL(req.url ?? "/", "http://localhost").searchParams.get(TICKET_PARAM);
    try {
      const claims = await tickets.redeem(ticket);
      if (!claims) return refuse("unauthorized", "missing, used or expired ticket");
      if (!cookieMatches(req, claims, sessions)) return refuse("unauthorized", "ticket belongs to another session");
      const accountDeviceId = await liveDeviceOf(store, claims, credentialExpiry);
      if (accountDeviceId === null) return refuse("unauthorized", "signed out");
      return { ok: true, id: claims.socketId, tags: socketTags(claims), limitKey: userTag(claims.userId), data: { ...claims, accountDeviceId } };
    } catch (err) {
      if (err instanceof AppError) return refuse(err.code, err.message);
      throw err;
    }
  };
}

/** The upgrade is refused with the status of `code`, as the HTTP API would answer it. */
function refuse(code: ErrorCode, message: string): AuthResult<SocketData> {
  return { ok: false, status: ERROR_STATUS[code], message };
}

/**
 * A browser sends its session cookie with the upgrade. If it does, it must be the session the
 * ticket was issued to: a ticket copied into another signed-in browser opens nothing.
 */
function cookieMatches(req: IncomingMessage, claims: TicketClaims, sessions: Sessions): boolean {
  if (!("sessionId" in claims.credential)) return true;
  const id = sessions.idFromCookieHeader(req.headers.cookie);
  return id === null || id === claims.credential.sessionId;
}

/** The device of the ticket's credential if that credential is still live (and then watched for expiry), else null. */
async function liveDeviceOf(store: Store, claims: TicketClaims, expiry: Pick<CredentialExpiry, "watch">): Promise<string | null> {
  const now = Date.now();
  const { credential } = claims;
  if ("tokenId" in credential) {
    const token = await store.tokens.findById(credential.tokenId, new Date(now).toISOString());
    if (token?.userId !== claims.userId) return null;
    expiry.watch(credential, Date.parse(token.expiresAt));
    return token.id;
  }
  const session = await store.sessions.find(credential.sessionId, now);
  if (session?.userId !== claims.userId) return null;
  expiry.watch(credential, session.expiresAt);
  return session.deviceId;
}
