import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { newWebhookSecret, signedHeaders, webhookEventId } from "./signing.js";

// The test vector published with the Standard Webhooks spec (and used by its reference libraries' tests).
const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

describe("Standard Webhooks signing", () => {
  it("signs the spec's test vector to its published signature", () => {
    const headers = signedHeaders(VECTOR.secret, VECTOR.id, new Date(VECTOR.timestamp * 1000), VECTOR.body);
    expect(headers).toEqual({ "webhook-id": VECTOR.id, "webhook-timestamp": String(VECTOR.timestamp), "webhook-signature": VECTOR.signature });
  });

  it("is HMAC-SHA256 over id.timestamp.body keyed by the secret's base64 part, as a receiver would check it by hand", () => {
    const secret = newWebhookSecret();
    const at = new Date();
    const body = JSON.stringify({ hello: "wörld" });
    const headers = signedHeaders(secret, "msg_1", at, body);
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const expected = createHmac("sha256", key).update(`msg_1.${headers["webhook-timestamp"]}.${body}`).digest("base64");
    expect(headers["webhook-signature"]).toBe(`v1,${expected}`);
    // And the reference verifier accepts it (it also checks the timestamp is within 5 minutes).
    expect(new Webhook(secret).verify(body, headers)).toEqual({ hello: "wörld" });
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  });

  it("makes 32-byte whsec_ secrets, each different", () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), "base64")).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(a);
  });

  it("names an event to an endpoint the same way every time, and differently for another endpoint or seq", () => {
    expect(webhookEventId("e1", 7)).toBe(webhookEventId("e1", 7));
    expect(new Set([webhookEventId("e1", 7), webhookEventId("e2", 7), webhookEventId("e1", 8)]).size).toBe(3);
  });
});
