import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CloseCode, type ChangeEvent } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";
import { SocketClient, settle } from "../../test/SocketClient.js";

/** Heartbeat and backpressure on the real server, with short intervals and small buffers. */
const WEBHOOK_SECRET = "webhook-secret-liveness-0123456789abcdef";
const PING_MS = 100;
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ PING_INTERVAL_MS: String(PING_MS), SOCKET_MAX_BUFFERED_BYTES: String(64 * 1024), WEBHOOK_SECRET });
});
afterAll(() => t.close());

describe("heartbeat", () => {
  it("terminates a peer that stops answering pings, and keeps a healthy idle one", async () => {
    const c = t.client({ deviceId: "device-hb-0001" });
    await c.signup(uniqueEmail());
    const healthy = await SocketClient.open(c);
    const silentGrant = await SocketClient.grant(c);
    const silent = new WebSocket(silentGrant.uri, { autoPong: false });
    const silentClosed = new Promise<number>((resolve) => silent.once("close", (code) => resolve(code)));
    await new Promise((resolve) => silent.once("open", resolve));
    const started = Date.now();
    const code = await silentClosed;
    // Terminated (no close frame: 1006 on the client) within two intervals, plus scheduling slack.
    expect(code).toBe(1006);
    expect(Date.now() - started).toBeLessThan(PING_MS * 2 + 400);
    await settle(PING_MS * 10);
    expect(healthy.closed).toBeUndefined();
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    healthy.close();
  });
});

describe("backpressure", () => {
  it("closes a client that stops reading with 1013 while another keeps receiving everything", async () => {
    const c = t.client({ deviceId: "device-bp-0001" });
    const user = await c.signup(uniqueEmail());
    const fast = await SocketClient.open(c);
    const slow = await SocketClient.open(c);
    // Stop reading on the slow client: its kernel buffers fill, then the server's send buffer.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();

    const big = "x".repeat(60 * 1024);
    const event = (seq: number): ChangeEvent => ({
      object: {
        id: "0b6f8e2e-4a53-4c1b-9a55-0f5f4b0f1a11",
        text: big,
        done: false,
        createdAt: "2026-11-25T10:00:00.000Z",
        updatedAt: "2026-11-25T10:00:00.000Z",
        device: null,
        userId: user.id,
        objectType: "objects.todos",
        version: seq,
      },
      meta: { eventName: "update", requestId: `r${seq}`, userId: user.id, seq, device: null },
      type: "change",
    });
    const count = 200;
    for (let seq = 1; seq <= count; seq++) {
      const res = await fetch(`${t.url}/api/websocket/messages`, {
        method: "POST",
        headers: { authorization: `Bearer ${WEBHOOK_SECRET}`, "content-type": "application/json" },
        body: JSON.stringify({ payload: event(seq) }),
      });
      expect(res.status).toBe(202);
    }
    await fast.untilMessages(count, 15_000);
    expect(fast.seqs()).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    // The slow socket's close frame is stuck behind its unread data; resume to read it.
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await slow.untilClosed(10_000);
    expect([CloseCode.TRY_AGAIN_LATER, 1006]).toContain(closed.code);
    expect(slow.messages.length).toBeLessThan(count);
    fast.close();
  }, 30_000);
});
