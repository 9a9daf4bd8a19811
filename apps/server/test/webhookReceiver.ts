import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { ChangeEvent } from "@tandem/protocol";

/** One request the receiver got. */
export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  contentType: string | undefined;
  body: string;
  /** The status it was answered with. */
  status: number;
}

/**
 * A real HTTP endpoint on a loopback port that records every webhook it is sent. `answer` says
 * how to answer each request (by default 204); `verify` checks a request's signature with the
 * endpoint's secret through the Standard Webhooks reference library, as a real receiver would.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  answer: (request: Omit<ReceivedWebhook, "status">, index: number) => number | { status: number; body: string } = () => 204;
  /** How long each answer takes (a slow endpoint keeps a backlog queued). */
  delayMs = 0;
  readonly #server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = {
        id: String(req.headers["webhook-id"]),
        timestamp: String(req.headers["webhook-timestamp"]),
        signature: String(req.headers["webhook-signature"]),
        contentType: req.headers["content-type"],
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const answer = this.answer(request, this.received.length);
      const { status, body } = typeof answer === "number" ? { status: answer, body: "" } : answer;
      const respond = () => {
        this.received.push({ ...request, status });
        res.writeHead(status, { "content-type": "text/plain" }).end(body);
      };
      if (this.delayMs > 0) setTimeout(respond, this.delayMs);
      else respond();
    });
  });
  #url = "";

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.#server.listen(0, "127.0.0.1", resolve));
    receiver.#url = `http://127.0.0.1:${(receiver.#server.address() as AddressInfo).port}`;
    return receiver;
  }

  /** The URL to register, with a path of its own per endpoint. */
  url(path = "/hook"): string {
    return this.#url + path;
  }

  /** The change events it acknowledged (2xx), each checked against `secret` first. */
  delivered(secret: string): ChangeEvent[] {
    return this.received.filter((r) => r.status >= 200 && r.status < 300).map((r) => this.verify(r, secret));
  }

  verify(request: ReceivedWebhook, secret: string): ChangeEvent {
    const headers = { "webhook-id": request.id, "webhook-timestamp": request.timestamp, "webhook-signature": request.signature };
    return ChangeEvent.parse(new Webhook(secret).verify(request.body, headers));
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
