import WebSocket from "ws";
import { DEVICES_MESSAGE, SocketMessage, type ServerMessage, type WebSocketGrant } from "@tandem/protocol";
import { SocketClient } from "../SocketClient.js";
import type { RoutedApiClient } from "./RoutedApiClient.js";

/**
 * A browser's socket through the platform's router. The grant's URI is `wss://` on the public
 * origin (PUBLIC_URL); the router ends TLS and forwards to the release, so this opens the URI's
 * path and ticket on the release's port with `ws://`, adding the header the router adds. It
 * records every message and the close, like test/SocketClient.ts.
 */
export class RoutedSocket {
  readonly messages: ServerMessage[] = [];
  closed: { code: number; reason: string } | undefined;

  private constructor(
    readonly ws: WebSocket,
    readonly grant: WebSocketGrant,
  ) {
    ws.on("message", (data) => {
      const message = SocketMessage.parse(JSON.parse(data.toString()));
      // The live roster is not part of the change stream these tests follow.
      if (message.type !== DEVICES_MESSAGE) this.messages.push(message);
    });
    ws.on("close", (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  static async open(api: RoutedApiClient, options: { since?: number } = {}): Promise<RoutedSocket> {
    const grant = await SocketClient.grant(api, options.since);
    const headers: Record<string, string> = { "x-forwarded-proto": "https" };
    if (api.cookie) headers.cookie = api.cookie;
    const { pathname, search } = new URL(grant.uri);
    const ws = new WebSocket(`${api.baseUrl.replace(/^http:/, "ws:")}${pathname}${search}`, { headers });
    const socket = new RoutedSocket(ws, grant);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    return socket;
  }

  seqs(): number[] {
    return this.messages.map((m) => m.meta.seq);
  }

  async untilMessages(n: number, timeoutMs = 10_000): Promise<void> {
    await this.until(() => this.messages.length >= n, `${n} messages`, timeoutMs);
  }

  async untilClosed(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    await this.until(() => this.closed !== undefined, "the close", timeoutMs);
    return this.closed as { code: number; reason: string };
  }

  terminate(): void {
    this.ws.terminate();
  }

  private async until(predicate: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; seqs so far ${JSON.stringify(this.seqs())}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
