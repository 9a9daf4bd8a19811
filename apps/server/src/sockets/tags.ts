/**
 * The tags a Tandem socket carries. `user:` is what the relay sends to; `device:` lets a webhook
 * caller target one device of a user; `session:` and `token:` let sign-out close exactly the
 * sockets a credential opened.
 */
export const userTag = (userId: string) => `user:${userId}`;
/**
 * Device ids are chosen by clients, so two users may well pick the same one: the tag names the
 * user too, so that it can never address another user's socket.
 */
export const deviceTag = (userId: string, device: string) => `device:${userId}:${device}`;
/** A session's id is already a keyed hash of its cookie (auth/sessions.ts), never the credential. */
export const sessionTag = (sessionId: string) => `session:${sessionId}`;
/** A token's id names it in `GET /api/auth/tokens`; it is not the token's secret. */
export const tokenTag = (tokenId: string) => `token:${tokenId}`;

/** What a socket was opened with (and what sign-out revokes): a browser session or an API token. */
export type Credential = { sessionId: string } | { tokenId: string };

/** The tag that closes every socket a credential opened. */
export function credentialTag(credential: Credential): string {
  return "sessionId" in credential ? sessionTag(credential.sessionId) : tokenTag(credential.tokenId);
}

/**
 * Every tag of a socket opened for `userId` by `credential`, from `device` if it named one. The
 * socket grant lists exactly these, and the upgrade gives the socket exactly these.
 */
export function socketTags({ userId, device, credential }: { userId: string; device: string | null; credential: Credential }): string[] {
  return device ? [userTag(userId), deviceTag(userId, device), credentialTag(credential)] : [userTag(userId), credentialTag(credential)];
}
