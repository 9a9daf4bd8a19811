/**
 * A random RFC 4122 version-4 UUID.
 *
 * `crypto.randomUUID()` only exists in secure contexts (https or localhost), so opening the dev
 * server from a phone at http://192.168.x.y:5173 would lose it; `getRandomValues` works in every
 * context, so it is the fallback.
 */
export function randomId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  // Set the version (4) and variant (10xx) bits, as RFC 4122 section 4.4 asks.
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
