import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CloseCode, type RelayedChangeEvent } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";
import { SocketClient, settle } from "../../test/SocketClient.js";
import type { ApiClient } from "../../test/ApiClient.js";
import { waitFor } from "@tandem/gateway/testing";

/** Heartbeat and backpressure on the real server, with short intervals and small buffers. */
const WEBHOOK_SECRET = "webhook-secret-liveness-0123456789abcdef";

describe("heartbeat", () => {
  /**
   * Short, but each interval must outlast a scheduling stall on a loaded machine between a ping
   * and the reading of its pong: the healthy client shares this process's event loop.
   */
  const PING_MS = 250;
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ PING_INTERVAL_MS: String(PING_MS) });
  });
  afterAll(() => t.close());

  /** A socket that answers no ping: ws would answer them for us unless told not to. */
  async function openSilent(c: ApiClient): Promise<{ ws: WebSocket; closed: Promise<number> }> {
    const ws = new WebSocket((await SocketClient.grant(c)).uri, { autoPong: false });
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    await new Promise((resolve) => ws.once("open", resolve));
    return { ws, closed };
  }

  it("terminates a peer that stops answering pings, and keeps a healthy idle one", async () => {
    const c = t.client({ deviceId: "device-hb-0001" });
    await c.signup(uniqueEmail());
    const healthy = await SocketClient.open(c);
    let pings = 0;
    healthy.ws.on("ping", () => (pings += 1));
    const silent = await openSilent(c);
    const started = Date.now();
    const code = await silent.closed;
    // Terminated (no close frame: 1006 on the client) within two intervals, plus scheduling slack.
    expect(code).toBe(1006);
    expect(Date.now() - started).toBeLessThan(PING_MS * 2 + 400);
    // Kept through many intervals, counted in pings answered rather than in wall-clock time.
    await waitFor(() => pings >= 8 || healthy.closed !== undefined, 15_000, "eight pings");
    expect(healthy.closed).toBeUndefined();
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    healthy.close();
  });

  it("terminates a peer that sends pongs unasked but never answers a ping", async () => {
    const c = t.client({ deviceId: "device-hb-0002" });
    await c.signup(uniqueEmail());
    const faker = await openSilent(c);
    let pinged = 0;
    faker.ws.on("ping", () => (pinged += 1));
    const pongs = setInterval(() => faker.ws.pong(), 10);
    try {
      const code = await Promise.race([faker.closed, settle(PING_MS * 20 + 5_000).then(() => "still open")]);
      expect(code).toBe(1006);
      expect(pinged).toBeGreaterThanOrEqual(1);
    } finally {
      clearInterval(pongs);
      faker.ws.terminate();
    }
  });
});

describe("backpressure", () => {
  // The default heartbeat (25 s): a short one would also drop the fast client whenever this busy
  // process reads its pong late, and the heartbeat is not what this test is about.
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ SOCKET_MAX_BUFFERED_BYTES: String(64 * 1024), WEBHOOK_SECRET });
  });
  afterAll(() => t.close());

  it("closes a client that stops reading with 1013 while another keeps receiving everything", async () => {
    const c = t.client({ deviceId: "device-bp-0001" });
    const user = await c.signup(uniqueEmail());
    const fast = await SocketClient.open(c);
    const slow = await SocketClient.open(c);
    // Stop reading on the slow client: its kernel buffers fill, then the server's send buffer.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();

    const big = "x".repeat(60 * 1024);
    // Relayed without a seq (only the store assigns seqs), so each is told apart by its version.
    const event = (version: number): RelayedChangeEvent => ({
      object: {
        id: "0b6f8e2e-4a53-4c1b-9a55-0f5f4b0f1a11",
        text: big,
        done: false,
        createdAt: "2026-11-25T10:00:00.000Z",
        updatedAt: "2026-11-25T10:00:00.000Z",
        device: null,
        userId: user.id,
        objectType: "objects.todos",
        version,
      },
      meta: { eventName: "update", requestId: `r${version}`, userId: user.id, device: null },
      type: "change",
    });
    const count = 200;
    for (let version = 1; version <= count; version++) {
      const res = await fetch(`${t.url}/api/websocket/messages`, {
        method: "POST",
        headers: { authorization: `Bearer ${WEBHOOK_SECRET}`, "content-type": "application/json" },
        body: JSON.stringify({ payload: event(version) }),
      });
      expect(res.status).toBe(202);
    }
    await fast.untilMessages(count, 15_000);
    expect(fast.messages.map((m) => (m.type === "change" && "version" in m.object ? m.object.version : 0))).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    // The slow socket's close frame is stuck behind its unread data; resume to read it.
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await slow.untilClosed(10_000);
    expect([CloseCode.TRY_AGAIN_LATER, 1006]).toContain(closed.code);
    expect(slow.messages.length).toBeLessThan(count);
    fast.close();
  }, 30_000);
});
