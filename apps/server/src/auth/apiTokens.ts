import { createHash, randomBytes } from "node:crypto";

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
