import WebSocket from "ws";
import { DEVICES_MESSAGE, SocketMessage, WebSocketGrant, type DevicesMessage, type ServerMessage } from "@tandem/protocol";
import type { ApiClient } from "./ApiClient.js";

/**
 * A device's live connection in tests: gets a grant from `GET /api/websocket` with the client's
 * credentials, opens the URI with a real `ws` client and records every message and the close.
 */
export class SocketClient {
  /** The change stream (`change`, `resync`), in order. */
  readonly messages: ServerMessage[] = [];
  /** The live roster's messages (`devices`), in order. */
  readonly roster: DevicesMessage[] = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly ws: WebSocket,
    readonly grant: WebSocketGrant,
  ) {
    ws.on("message", (data) => {
      const message = SocketMessage.parse(JSON.parse(data.toString()));
      if (message.type === DEVICES_MESSAGE) this.roster.push(message);
      else this.messages.push(message);
      this.wake();
    });
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static async open(api: ApiClient, options: { since?: number; origin?: string; headers?: Record<string, string> } = {}): Promise<SocketClient> {
    const grant = await SocketClient.grant(api, options.since);
    const ws = new WebSocket(grant.uri, { headers: { ...(options.origin ? { origin: options.origin } : {}), ...options.headers } });
    const client = new SocketClient(ws, grant);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    return client;
  }

  static async grant(api: ApiClient, since?: number): Promise<WebSocketGrant> {
    const res = await api.get(`/api/websocket${since === undefined ? "" : `?since=${since}`}`);
    if (res.status !== 200) throw new Error(`GET /api/websocket: ${res.status} ${JSON.stringify(res.body)}`);
    return WebSocketGrant.parse(res.body);
  }

  /** Tries to open a URI and reports the HTTP status the upgrade was refused with (or 101). */
  static async upgradeStatus(uri: string, headers: Record<string, string> = {}): Promise<number> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(uri, { headers });
      ws.once("open", () => {
        ws.close();
        resolve(101);
      });
      ws.once("unexpected-response", (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        ws.terminate();
      });
      ws.once("error", (err) => {
        if (!/Unexpected server response/.test(err.message)) reject(err);
      });
    });
  }

  /** Resolves once `predicate` holds (checked after every message and at the close). */
  async until(predicate: () => boolean, what = "condition", timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => m.meta))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  untilMessages(n: number, timeoutMs?: number) {
    return this.until(() => this.messages.length >= n, `${n} messages`, timeoutMs);
  }

  untilClosed(timeoutMs?: number) {
    return this.until(() => this.closed !== undefined, "close", timeoutMs).then(() => this.closed as { code: number; reason: string });
  }

  seqs(): number[] {
    return this.messages.map((m) => m.meta.seq);
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Waits a little to show that nothing more arrives (a negative check needs a window). */
export const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));
