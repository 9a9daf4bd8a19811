import { createHash } from "node:crypto";

/**
 * The tags a Tandem socket carries. `user:` is what the relay sends to; `device:` lets a webhook
 * caller target one device (device ids are chosen by clients, so never use them as a security
 * boundary: they are not unique across users); `session:` and `token:` let sign-out close exactly
 * the sockets a credential opened.
 */
export const userTag = (userId: string) => `user:${userId}`;
export const deviceTag = (device: string) => `device:${device}`;
/** Hashed, so that a raw session id (a credential) never sits in memory indexes or logs. */
export const sessionTag = (sessionId: string) => `session:${createHash("sha256").update(sessionId).digest("hex").slice(0, 32)}`;
export const tokenTag = (tokenId: string) => `token:${tokenId}`;
