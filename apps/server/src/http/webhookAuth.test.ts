import { createHmac } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors.js";
import { WebhookAuth } from "./webhookAuth.js";
import { parseWebhookSecret } from "./webhookSecret.js";

/** The Standard Webhooks test vector (the reference libraries' "sign function works" case). */
const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

const current = parseWebhookSecret(VECTOR.secret);
const previous = parseWebhookSecret("an-older-plain-secret-0123456789abcdef");
const unrelated = parseWebhookSecret("whsec_" + Buffer.alloc(32, 7).toString("base64"));

/** Signs as the spec says, without the library: v1, + base64(HMAC-SHA256(key, "id.timestamp.body")). */
function sign(key: Uint8Array, id: string, timestamp: number, body: string): string {
  return "v1," + createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
}

function headers(signature: string, timestamp = Math.floor(Date.now() / 1000), id = VECTOR.id): IncomingHttpHeaders {
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
}

function refusal(check: () => unknown): string {
  try {
    check();
  } catch (err) {
    if (err instanceof AppError && err.code === "unauthorized") return err.message;
    throw err;
  }
  throw new Error("expected a 401 refusal");
}

describe("the Standard Webhooks test vector", () => {
  it("is what the library signs and what the spec's recipe gives with the parsed key", () => {
    expect(new Webhook(VECTOR.secret).sign(VECTOR.id, new Date(VECTOR.timestamp * 1000), VECTOR.payload)).toBe(VECTOR.signature);
    expect(sign(current.key, VECTOR.id, VECTOR.timestamp, VECTOR.payload)).toBe(VECTOR.signature);
  });

  it("verifies only within five minutes of its timestamp: the vector itself is long stale", () => {
    const auth = new WebhookAuth([current]);
    const body = Buffer.from(VECTOR.payload);
    expect(refusal(() => auth.checkSignature(headers(VECTOR.signature, VECTOR.timestamp), body))).toMatch(/more than 5 minutes/);
    const now = Math.floor(Date.now() / 1000);
    expect(auth.checkSignature(headers(sign(current.key, VECTOR.id, now, VECTOR.payload), now), body)).toBe(VECTOR.id);
  });
});

describe("WebhookAuth.checkSignature", () => {
  const auth = new WebhookAuth([current, previous]);
  const body = '{"payload":{}}';
  const now = Math.floor(Date.now() / 1000);

  it("accepts a signature made with the current or the previous secret, among several", () => {
    expect(auth.checkSignature(headers(sign(current.key, "msg_1", now, body), now, "msg_1"), Buffer.from(body))).toBe("msg_1");
    expect(auth.checkSignature(headers(sign(previous.key, "msg_2", now, body), now, "msg_2"), Buffer.from(body))).toBe("msg_2");
    const several = [sign(unrelated.key, "msg_3", now, body), "v1a,c29tZXRoaW5n", sign(previous.key, "msg_3", now, body)].join(" ");
    expect(auth.checkSignature(headers(several, now, "msg_3"), Buffer.from(body))).toBe("msg_3");
  });

  it("accepts a timestamp up to five minutes away either way, and refuses one further", () => {
    for (const skew of [-295, 295]) {
      const at = now + skew;
      expect(auth.checkSignature(headers(sign(current.key, "msg_4", at, body), at, "msg_4"), Buffer.from(body))).toBe("msg_4");
    }
    for (const skew of [-305, 305]) {
      const at = now + skew;
      expect(refusal(() => auth.checkSignature(headers(sign(current.key, "msg_5", at, body), at, "msg_5"), Buffer.from(body)))).toMatch(
        /more than 5 minutes/,
      );
    }
  });

  it("refuses a signature of another secret, body, id or timestamp", () => {
    const wrong = /no webhook-signature matches/;
    expect(refusal(() => auth.checkSignature(headers(sign(unrelated.key, "msg_6", now, body), now, "msg_6"), Buffer.from(body)))).toMatch(wrong);
    expect(refusal(() => auth.checkSignature(headers(sign(current.key, "msg_6", now, body), now, "msg_6"), Buffer.from(body + " ")))).toMatch(wrong);
    expect(refusal(() => auth.checkSignature(headers(sign(current.key, "msg_6", now, body), now, "msg_7"), Buffer.from(body)))).toMatch(wrong);
    expect(refusal(() => auth.checkSignature(headers(sign(current.key, "msg_6", now, body), now - 1, "msg_6"), Buffer.from(body)))).toMatch(wrong);
    expect(refusal(() => auth.checkSignature(headers("v1,", now, "msg_6"), Buffer.from(body)))).toMatch(wrong);
  });

  it("refuses a signature without its id or timestamp, or with a timestamp that is not seconds", () => {
    const signature = sign(current.key, "msg_8", now, body);
    expect(refusal(() => auth.checkSignature({ "webhook-signature": signature, "webhook-timestamp": String(now) }, Buffer.from(body)))).toMatch(
      /needs a webhook-id and a webhook-timestamp/,
    );
    expect(refusal(() => auth.checkSignature({ "webhook-signature": signature, "webhook-id": "msg_8" }, Buffer.from(body)))).toMatch(
      /needs a webhook-id and a webhook-timestamp/,
    );
    expect(refusal(() => auth.checkSignature({ ...headers(signature, now, "msg_8"), "webhook-timestamp": `${now}.5` }, Buffer.from(body)))).toMatch(
      /whole seconds/,
    );
  });
});

describe("WebhookAuth: the bearer secret and which credential a request carries", () => {
  const auth = new WebhookAuth([current, previous]);

  it("accepts either whole secret as a bearer token, and nothing else", () => {
    expect(() => auth.checkBearer(`Bearer ${VECTOR.secret}`)).not.toThrow();
    expect(() => auth.checkBearer(`bearer ${previous.text}`)).not.toThrow();
    expect(refusal(() => auth.checkBearer("Bearer MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))).toBe("wrong webhook secret");
    expect(refusal(() => auth.checkBearer(`Basic ${VECTOR.secret}`))).toMatch(/must be Bearer/);
    expect(refusal(() => auth.checkBearer(undefined))).toMatch(/must be Bearer/);
  });

  it("prefers a signature, falls back to the bearer header, and refuses a request with neither", () => {
    expect(auth.credentialOf({ "webhook-signature": "v1,x", authorization: "Bearer y" })).toBe("signature");
    expect(auth.credentialOf({ authorization: "Bearer y", "webhook-id": "msg_9" })).toBe("bearer");
    expect(refusal(() => auth.credentialOf({ "webhook-id": "msg_9" }))).toMatch(/missing webhook credentials/);
  });
});
