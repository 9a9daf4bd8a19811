import { Router } from "express";
import { PROTOCOL_VERSION, WebSocketQuery, type WebSocketGrant } from "@tandem/protocol";
import type { Tickets } from "../sockets/tickets.js";
import { socketTags } from "../sockets/tags.js";
import { deviceIdOf } from "../http/deviceId.js";
import { parse } from "../http/validate.js";
import { principalOf, requireAuth } from "../http/authenticate.js";
import { socketUri, type OriginOf } from "../http/publicOrigin.js";

/**
 * `GET /api/websocket`: a one-time URI for a socket of the signed-in user, bound to the credential
 * that asked and the device it names. The grant's `tags` are exactly the tags the socket will
 * carry; its URI is on the app's public origin (`originOf`: PUBLIC_URL in production).
 */
export function socketGrantRoute(tickets: Tickets, originOf: OriginOf): Router {
  const router = Router();
  router.get("/", requireAuth, async (req, res) => {
    const principal = principalOf(req);
    const { since } = parse(WebSocketQuery, req.query, "query");
    const device = deviceIdOf(req);
    const credential = principal.via === "session" ? { sessionId: principal.sessionId } : { tokenId: principal.tokenId };
    const claims = { userId: principal.user.id, credential, device };
    const { ticket, socketId, expiresAt } = await tickets.issue({ ...claims, since: since ?? null });
    res.json({
      id: socketId,
      uri: socketUri(originOf(req), ticket),
      expiresAt: expiresAt.toISOString(),
      tags: socketTags(claims),
      protocolVersion: PROTOCOL_VERSION,
    } satisfies WebSocketGrant);
  });
  return router;
}
