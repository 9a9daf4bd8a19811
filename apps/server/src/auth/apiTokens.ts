import { createHash, randomBytes } from "node:crypto";
import type { TokenRecord, TokenStore } from "../store/Store.js";

/** Secrets start with a recognisable prefix so leaked tokens can be found by secret scanners. */
const PREFIX = "tdm_";

/** A new API token secret: 256 random bits. It is shown once; only its SHA-256 is stored. */
export function newTokenSecret(): string {
  return PREFIX + randomBytes(32).toString("base64url");
}

/**
 * Tokens are high-entropy, so a fast hash is enough (unlike passwords) and lets the lookup be an
 * indexed equality match instead of a scan with bcrypt.
 */
export function hashToken(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function looksLikeToken(secret: string): boolean {
  return secret.startsWith(PREFIX) && secret.length < 200;
}

/**
 * A token's "last used" is written at most this often: an API client may call many times a
 * second, and "last used" is only shown to people, so a write per request would be waste.
 */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** The live (unexpired) token a bearer secret names, its use recorded (at most once a minute); null if none. */
export async function useToken(tokens: TokenStore, secret: string, now = new Date()): Promise<TokenRecord | null> {
  const token = await tokens.findByHash(hashToken(secret), now.toISOString());
  if (token === null) return null;
  if (token.lastUsedAt !== null && now.getTime() - Date.parse(token.lastUsedAt) < LAST_USED_RESOLUTION_MS) return token;
  const lastUsedAt = now.toISOString();
  await tokens.markUsed(token.id, lastUsedAt);
  return { ...token, lastUsedAt };
}
