import { describe, expect, it } from "vitest";
import { parseWebhookSecret } from "./webhookSecret.js";

describe("parseWebhookSecret", () => {
  it("reads a whsec_ secret as the spec writes it: the key is the base64-decoded bytes", () => {
    // The secret of the Standard Webhooks libraries' test vector (24 bytes, the spec's minimum).
    const secret = parseWebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    expect(secret.text).toBe("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    expect(Buffer.from(secret.key).toString("base64")).toBe("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    expect(secret.key).toHaveLength(24);
  });

  it("reads any other string of 32 characters or more as a plain secret: the key is its UTF-8 bytes", () => {
    const secret = parseWebhookSecret("webhook-secret-0123456789abcdef-é");
    expect(Buffer.from(secret.key).toString("utf8")).toBe("webhook-secret-0123456789abcdef-é");
  });

  it("refuses a whsec_ secret that is not base64 of 24–64 bytes, and a short plain one, saying what is wanted", () => {
    const cases: [string, RegExp][] = [
      ["whsec_" + Buffer.alloc(16, 1).toString("base64"), /base64 of 24–64 random bytes/],
      ["whsec_" + Buffer.alloc(65, 1).toString("base64"), /base64 of 24–64 random bytes/],
      ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS-", /standard base64/],
      ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw=", /standard base64/],
      ["too-short-secret", /at least 32 characters/],
    ];
    for (const [text, message] of cases) expect(() => parseWebhookSecret(text), text).toThrow(message);
  });
});
