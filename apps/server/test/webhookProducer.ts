import { createHmac, randomUUID } from "node:crypto";
import { parseWebhookSecret } from "../src/http/webhookSecret.js";

export interface Delivery {
  /** The body exactly as sent (a signature covers these bytes). */
  body: string;
  /** Default: a fresh `msg_…` id. */
  id?: string;
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** The secrets to sign with, each making one signature in the header; default the producer's. */
  secrets?: readonly string[];
  /** Headers to add or (with undefined) remove after signing. */
  headers?: Record<string, string | undefined>;
}

/**
 * A webhook producer in tests: posts to `POST /api/websocket/messages` signed per Standard
 * Webhooks, computed here from the spec's recipe (not with the library the server verifies with):
 * `v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`, keyed with the secret's bytes.
 */
export class WebhookProducer {
  constructor(
    readonly url: string,
    readonly secret: string,
  ) {}

  signedHeaders({ body, id = `msg_${randomUUID()}`, timestamp = Math.floor(Date.now() / 1000), secrets = [this.secret] }: Delivery): Record<string, string> {
    const signatures = secrets.map((secret) => {
      const key = parseWebhookSecret(secret).key;
      return "v1," + createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
    });
    return {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signatures.join(" "),
    };
  }

  /** Posts the delivery; answers the status and the parsed JSON body. */
  async deliver(delivery: Delivery): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = this.signedHeaders(delivery);
    for (const [name, value] of Object.entries(delivery.headers ?? {})) {
      if (value === undefined) delete headers[name];
      else headers[name] = value;
    }
    const res = await fetch(`${this.url}/api/websocket/messages`, { method: "POST", headers, body: delivery.body });
    return { status: res.status, body: await res.json() };
  }
}
