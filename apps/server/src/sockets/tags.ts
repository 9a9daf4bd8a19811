/**
 * The tags a Tandem socket carries. `user:` is what the relay sends to; `device:` lets a webhook
 * caller target one device (device ids are chosen by clients, so never use them as a security
 * boundary: they are not unique across users); `session:` and `token:` let sign-out close exactly
 * the sockets a credential opened.
 */
export const userTag = (userId: string) => `user:${userId}`;
export const deviceTag = (device: string) => `device:${device}`;
/** A session's id is already a keyed hash of its cookie (auth/sessions.ts), never the credential. */
export const sessionTag = (sessionId: string) => `session:${sessionId}`;
export const tokenTag = (tokenId: string) => `token:${tokenId}`;
