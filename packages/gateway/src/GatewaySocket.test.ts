import type { Socket } from "node:net";
import { CloseCode } from "@tandem/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "./Gateway.js";
import type { GatewayOptions } from "./GatewayOptions.js";
import type { Logger } from "./Logger.js";
import { connect, listen, waitFor, type ListeningGateway, type TestClient } from "./testing/gatewayHarness.js";
import { testAuthenticate, type TestSocketData } from "./testing/testAuthenticate.js";

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const resource of opened.splice(0).reverse()) await resource.close();
});

async function start(
  options: Partial<GatewayOptions<TestSocketData>>,
): Promise<{ gateway: Gateway<TestSocketData>; server: ListeningGateway }> {
  const gateway = createGateway<TestSocketData>({ authenticate: testAuthenticate, ...options });
  const server = await listen(gateway);
  opened.push(server);
  return { gateway, server };
}

async function open(server: ListeningGateway, query: string): Promise<TestClient> {
  const client = await connect(server.url(`/ws?${query}`));
  opened.push(client);
  return client;
}

/** The client's TCP socket: pausing it makes the client stop reading, like a stalled tab. */
function tcpOf(client: TestClient): Socket {
  return Reflect.get(client.ws, "_socket") as Socket;
}

/**
 * Sends `chunk` to tag `t` one message per event-loop turn (so a healthy reader keeps up) until
 * fewer than `expected` sockets take it, i.e. until the gateway has shed a socket.
 */
async function sendUntilShed(gateway: Gateway<TestSocketData>, chunk: string, expected: number): Promise<number> {
  for (let sent = 1; sent <= 5_000; sent += 1) {
    if (gateway.send({ tags: ["t"] }, `${sent}:${chunk}`) < expected) return sent;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error("no socket was shed");
}

describe("backpressure", () => {
  const chunk = "x".repeat(16 * 1024);

  it("closes a client that stopped reading with 1013, while a healthy one keeps receiving", async () => {
    const { gateway, server } = await start({ maxBufferedBytes: 256 * 1024, closeTimeoutMs: 5_000 });
    const slow = await open(server, "token=slow&tags=t");
    const healthy = await open(server, "token=healthy&tags=t");
    tcpOf(slow).pause();
    const shedAt = await sendUntilShed(gateway, chunk, 2);
    // Everything before the one it was shed on went to both; that one and later to healthy only.
    expect(gateway.send({ tags: ["t"] }, "after")).toBe(1);
    await healthy.waitForMessage("after", 5_000);
    expect(healthy.messages.length).toBe(shedAt + 1);
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
    // Once the stalled client reads again, it finds our close frame behind the backlog.
    tcpOf(slow).resume();
    expect((await slow.closed).code).toBe(CloseCode.TRY_AGAIN_LATER);
    expect(slow.messages.length).toBe(shedAt - 1);
  });

  it("terminates a stalled client that never reads the close frame", async () => {
    const { gateway, server } = await start({ maxBufferedBytes: 256 * 1024, closeTimeoutMs: 200 });
    const slow = await open(server, "token=slow&tags=t");
    await open(server, "token=healthy&tags=t");
    tcpOf(slow).pause();
    await sendUntilShed(gateway, chunk, 2);
    await waitFor(() => gateway.socketCount === 1, 2_000, "the stalled socket to be terminated");
    slow.ws.terminate();
  });
});

describe("inbound limits", () => {
  it("closes with 1009 on an oversized frame, and keeps serving others", async () => {
    const { gateway, server } = await start({ maxPayload: 1024 });
    const big = await open(server, "token=k");
    big.ws.send("y".repeat(2048));
    expect((await big.closed).code).toBe(CloseCode.MESSAGE_TOO_BIG);
    const next = await open(server, "token=k&tags=t");
    expect(gateway.send({ tags: ["t"] }, "still serving")).toBe(1);
    await next.waitForMessage("still serving");
  });

  it("ignores a trickle of client messages but closes a flood with 1008", async () => {
    const { gateway, server } = await start({ maxInboundPerSecond: 10 });
    const polite = await open(server, "token=a&tags=t");
    const flooder = await open(server, "token=b");
    for (let i = 0; i < 5; i += 1) polite.ws.send("hello");
    for (let i = 0; i < 20; i += 1) flooder.ws.send("spam");
    expect((await flooder.closed).code).toBe(CloseCode.POLICY_VIOLATION);
    expect(gateway.send({ tags: ["t"] }, "fine")).toBe(1);
    await polite.waitForMessage("fine");
  });

  it("logs a flood once per socket, however much more arrives before it is closed", async () => {
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, error() {}, warn: (_obj, msg) => void warnings.push(msg ?? "") };
    const { gateway, server } = await start({ maxInboundPerSecond: 10, logger });
    const flooder = await open(server, "token=b");
    // All of it is on the wire before the server's close frame can come back.
    for (let i = 0; i < 200; i += 1) flooder.ws.send("spam");
    expect((await flooder.closed).code).toBe(CloseCode.POLICY_VIOLATION);
    await waitFor(() => gateway.socketCount === 0, 5_000, "the server to let go of the socket");
    expect(warnings.filter((msg) => msg.includes("flooded"))).toEqual(["client flooded the socket, closing it"]);
  });
});

describe("onClose", () => {
  it("is called once per socket, after it left the index, however it closed; a throw is logged", async () => {
    const closed: { id: string; socketsLeft: number; sendable: boolean }[] = [];
    const errors: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn() {}, error: (_obj, msg) => void errors.push(msg ?? "") };
    let socketCount = (): number => -1;
    const started = await start({
      logger,
      onClose: (socket) => {
        closed.push({ id: socket.id, socketsLeft: socketCount(), sendable: socket.send("too late") });
        if (socket.tags.includes("throws")) throw new Error("bug in onClose");
      },
    });
    const { gateway } = started;
    socketCount = () => gateway.socketCount;
    const byClient = await open(started.server, "token=a");
    const byServer = await open(started.server, "token=b&tags=signed-out");
    const throwing = await open(started.server, "token=c&tags=throws");
    await byClient.close();
    await waitFor(() => closed.length === 1, 5_000, "the client's close");
    gateway.close({ tags: ["signed-out"] }, CloseCode.SIGNED_OUT, "signed out");
    await waitFor(() => closed.length === 2, 5_000, "the server's close");
    await gateway.shutdown();
    expect(closed.map((c) => c.socketsLeft)).toEqual([2, 1, 0]);
    expect(closed.every((c) => !c.sendable)).toBe(true);
    expect(new Set(closed.map((c) => c.id)).size).toBe(3);
    expect(errors).toEqual(["onClose threw"]);
    expect((await throwing.closed).code).toBe(CloseCode.SERVICE_RESTART);
    expect((await byServer.closed).code).toBe(CloseCode.SIGNED_OUT);
  });
});
