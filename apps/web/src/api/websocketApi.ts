import { WebSocketGrant } from "@tandem/protocol";
import type { HttpClient } from "./http";

/**
 * Asks for a socket ticket. Tickets are single-use and expire after 60 s, which is why the sync
 * client asks again before every (re)connect instead of reusing a URI.
 */
export function createGrantFetcher(http: HttpClient): (since: number) => Promise<WebSocketGrant> {
  return (since) => http.json("GET", `/api/websocket?since=${since}`, WebSocketGrant);
}
