/**
 * The secret a webhook producer shares with Tandem (WEBHOOK_SECRET, and WEBHOOK_SECRET_PREVIOUS
 * while it is rotated), in either of two forms:
 *
 * - `whsec_` + base64 of 24–64 random bytes, as Standard Webhooks writes secrets
 *   (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
 *   the HMAC key is the decoded bytes, so any Standard Webhooks library signs with it as it is;
 * - any other string of at least 32 characters: the HMAC key is its UTF-8 bytes.
 *
 * Either way `Authorization: Bearer <the whole secret, as configured>` also authenticates.
 */
export interface WebhookSecret {
  /** The secret as configured: what a bearer header must carry. */
  readonly text: string;
  /** The HMAC-SHA256 key signatures are checked with. */
  readonly key: Uint8Array;
}

export const WHSEC_PREFIX = "whsec_";
/** The spec's floor for a signing secret (192 bits), and a ceiling well above any sane one. */
export const WHSEC_MIN_BYTES = 24;
export const WHSEC_MAX_BYTES = 64;
export const PLAIN_SECRET_MIN_CHARS = 32;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Reads a configured secret.
 * @throws Error with a one-line message saying what a valid secret looks like
 */
export function parseWebhookSecret(text: string): WebhookSecret {
  if (text.startsWith(WHSEC_PREFIX)) {
    const encoded = text.slice(WHSEC_PREFIX.length);
    const key = BASE64.test(encoded) ? Buffer.from(encoded, "base64") : undefined;
    if (key === undefined || key.length < WHSEC_MIN_BYTES || key.length > WHSEC_MAX_BYTES) {
      throw new Error(
        `a whsec_ secret must be whsec_ followed by standard base64 of ${WHSEC_MIN_BYTES}–${WHSEC_MAX_BYTES} random bytes (make one with: echo "whsec_$(openssl rand -base64 32)")`,
      );
    }
    return { text, key: new Uint8Array(key) };
  }
  if (text.length < PLAIN_SECRET_MIN_CHARS) {
    throw new Error(`must be whsec_ followed by base64 of at least ${WHSEC_MIN_BYTES} random bytes, or a string of at least ${PLAIN_SECRET_MIN_CHARS} characters`);
  }
  return { text, key: new Uint8Array(Buffer.from(text, "utf8")) };
}
