import { createServer } from "node:http";
import { connect as tcpConnect, type Socket } from "node:net";
import { CloseCode } from "@tandem/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createGateway, type Gateway } from "./Gateway.js";
import type { GatewayOptions, QueuedFilter, QueuedMessage } from "./GatewayOptions.js";
import type { GatewaySocket } from "./GatewaySocket.js";
import { MemoryBus } from "./MemoryBus.js";
import { connect, deferred, listen, refusal, waitFor, type ListeningGateway, type TestClient } from "./testing/gatewayHarness.js";
import { testAuthenticate, type TestSocketData } from "./testing/testAuthenticate.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  // Clients first, then gateways: the reverse of the order they were opened in.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(
  options: Partial<GatewayOptions<TestSocketData>> = {},
): Promise<{ gateway: Gateway<TestSocketData>; server: ListeningGateway }> {
  const gateway = createGateway<TestSocketData>({ authenticate: testAuthenticate, ...options });
  const server = await listen(gateway);
  cleanups.push(() => server.close());
  return { gateway, server };
}

async function open(server: ListeningGateway, query: string): Promise<TestClient> {
  const client = await connect(server.url(`/ws?${query}`));
  cleanups.push(() => client.close());
  return client;
}

/** Sends a marker to everyone and waits for it: whatever was sent before has arrived by then. */
async function settle(gateway: Gateway<TestSocketData>, clients: TestClient[]): Promise<void> {
  const marker = `marker-${Math.random()}`;
  gateway.send({ sockets: ["*"] }, marker);
  await Promise.all(clients.map((client) => client.waitForMessage(marker)));
  for (const client of clients) client.messages.splice(client.messages.indexOf(marker), 1);
}

describe("authentication at the upgrade", () => {
  it("refuses with the status authenticate chose, before any socket opens", async () => {
    const onOpen = vi.fn();
    const { gateway, server } = await start({ onOpen });
    const refused = await refusal(server.url("/ws"));
    expect(refused.status).toBe(401);
    expect(refused.body).toBe("no token");
    expect(onOpen).not.toHaveBeenCalled();
    expect(gateway.socketCount).toBe(0);
  });

  it("answers 500 when authenticate throws, and keeps serving", async () => {
    const { server } = await start();
    expect((await refusal(server.url("/ws?token=throw"))).status).toBe(500);
    const client = await open(server, "token=k");
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it("answers 429 over the per-key limit, and frees the slot when a socket closes", async () => {
    const { gateway, server } = await start({ maxConnectionsPerKey: 2 });
    const first = await open(server, "token=k");
    await open(server, "token=k");
    expect((await refusal(server.url("/ws?token=k"))).status).toBe(429);
    await open(server, "token=other");
    await first.close();
    await waitFor(() => gateway.socketCount === 2);
    await waitFor(() => gateway.stats().keys === 2);
    await open(server, "token=k");
    expect(gateway.stats()).toMatchObject({ sockets: 3, keys: 2 });
  });

  it("uses the id authenticate chose, and refuses a second socket with it (409)", async () => {
    const { gateway, server } = await start();
    const client = await open(server, "token=k&id=chosen");
    expect((await refusal(server.url("/ws?token=k&id=chosen"))).status).toBe(409);
    expect(gateway.send({ sockets: ["chosen"] }, "hi")).toBe(1);
    await client.waitForMessage("hi");
  });

  it("survives a client that resets while authenticate is pending", async () => {
    const gate = deferred();
    const authenticate = vi.fn(async (req: Parameters<typeof testAuthenticate>[0]) => {
      await gate.promise;
      return testAuthenticate(req);
    });
    const { gateway, server } = await start({ authenticate });
    const raw = tcpConnect(server.port, "127.0.0.1");
    raw.on("error", () => {});
    await new Promise<void>((resolve) => raw.once("connect", resolve));
    raw.write(
      "GET /ws?token=k HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    await waitFor(() => authenticate.mock.calls.length === 1);
    raw.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    gate.resolve();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(gateway.stats()).toMatchObject({ sockets: 0, keys: 0 });
    await open(server, "token=k");
  });

  it("answers only its own path: 404 when nobody else listens, hands others to other listeners", async () => {
    const { server } = await start();
    expect((await refusal(server.url("/elsewhere?token=k"))).status).toBe(404);
    server.server.on("upgrade", (req, socket) => {
      if (req.url?.startsWith("/other")) socket.end("HTTP/1.1 418 I'm a Teapot\r\nContent-Length: 0\r\n\r\n");
    });
    expect((await refusal(server.url("/other?token=k"))).status).toBe(418);
  });
});

describe("fan-out", () => {
  it("sends each message to exactly the matching sockets and counts them", async () => {
    const { gateway, server } = await start();
    const u1a = await open(server, "token=k1&tags=user:1,session:a&id=u1a");
    const u1b = await open(server, "token=k1&tags=user:1,session:b");
    const u2 = await open(server, "token=k2&tags=user:2");
    expect(gateway.send({ tags: ["user:1"] }, "to-user-1")).toBe(2);
    expect(gateway.send({ tags: ["user:2"], sockets: ["u1a"] }, "to-user-2-and-u1a")).toBe(2);
    expect(gateway.send({ tags: ["session:a", "user:1"] }, "union")).toBe(2);
    expect(gateway.send({ tags: ["nobody"] }, "lost")).toBe(0);
    expect(gateway.send({ sockets: ["*"] }, "all")).toBe(3);
    await settle(gateway, [u1a, u1b, u2]);
    expect(u1a.messages).toEqual(["to-user-1", "to-user-2-and-u1a", "union", "all"]);
    expect(u1b.messages).toEqual(["to-user-1", "union", "all"]);
    expect(u2.messages).toEqual(["to-user-2-and-u1a", "all"]);
  });

  it("reaches the sockets of another instance through a shared bus, each exactly once", async () => {
    const bus = new MemoryBus();
    const a = await start({ bus });
    const b = await start({ bus });
    const onA = await open(a.server, "token=k&tags=user:1");
    const onB = await open(b.server, "token=k&tags=user:1");
    const otherOnB = await open(b.server, "token=k2&tags=user:2");
    expect(a.gateway.send({ tags: ["user:1"] }, "from-a")).toBe(1);
    expect(b.gateway.send({ tags: ["user:1"] }, "from-b")).toBe(1);
    expect(a.gateway.send({ sockets: ["*"] }, "everyone")).toBe(1);
    await settle(a.gateway, [onA, onB, otherOnB]);
    expect(onA.messages).toEqual(["from-a", "from-b", "everyone"]);
    expect(onB.messages).toEqual(["from-a", "from-b", "everyone"]);
    expect(otherOnB.messages).toEqual(["everyone"]);
  });
});

describe("sending within a group", () => {
  it("narrows to the group's sockets on every instance, and never reaches beyond it", async () => {
    const bus = new MemoryBus();
    const a = await start({ bus });
    const b = await start({ bus });
    const mineOnA = await open(a.server, "token=k1&tags=user:1,device:1:phone&id=m1");
    const mineOnB = await open(b.server, "token=k1&tags=user:1,device:1:laptop");
    const theirsOnA = await open(a.server, "token=k2&tags=user:2,device:2:phone&id=t2");
    const theirsOnB = await open(b.server, "token=k2&tags=user:2");
    expect(a.gateway.sendWithin("user:1", { sockets: ["*"] }, "all of mine")).toBe(1);
    expect(a.gateway.sendWithin("user:1", { tags: ["device:1:laptop"] }, "my laptop")).toBe(0);
    expect(a.gateway.sendWithin("user:1", { tags: ["user:2", "device:2:phone"], sockets: ["t2"] }, "theirs")).toBe(0);
    expect(b.gateway.sendWithin("user:1", { sockets: ["m1", "t2"] }, "by id")).toBe(0);
    await settle(a.gateway, [mineOnA, mineOnB, theirsOnA, theirsOnB]);
    expect(mineOnA.messages).toEqual(["all of mine", "by id"]);
    expect(mineOnB.messages).toEqual(["all of mine", "my laptop"]);
    expect(theirsOnA.messages).toEqual([]);
    expect(theirsOnB.messages).toEqual([]);
  });
});

describe("closing by receivers", () => {
  it("closes exactly the matching sockets, on every instance", async () => {
    const bus = new MemoryBus();
    const a = await start({ bus });
    const b = await start({ bus });
    const signedOutA = await open(a.server, "token=k&tags=session:1");
    const keptA = await open(a.server, "token=k&tags=session:2");
    const signedOutB = await open(b.server, "token=k&tags=session:1");
    expect(a.gateway.close({ tags: ["session:1"] }, CloseCode.SIGNED_OUT, "signed out")).toBe(1);
    expect(await signedOutA.closed).toEqual({ code: CloseCode.SIGNED_OUT, reason: "signed out" });
    expect(await signedOutB.closed).toEqual({ code: CloseCode.SIGNED_OUT, reason: "signed out" });
    await waitFor(() => a.gateway.socketCount === 1 && b.gateway.socketCount === 0);
    expect(a.gateway.send({ tags: ["session:2"] }, "still here")).toBe(1);
    await keptA.waitForMessage("still here");
  });
});

describe("onOpen catch-up", () => {
  it("queues live messages until onOpen resolves, then sends them after its own, filtered by seq", async () => {
    const replayDone = deferred();
    const opened = deferred<GatewaySocket<TestSocketData>>();
    const seen: QueuedMessage[] = [];
    const onOpen = async (socket: GatewaySocket<TestSocketData>): Promise<QueuedFilter> => {
      socket.send("replay-1");
      opened.resolve(socket);
      await replayDone.promise;
      socket.send("replay-2");
      return (queued) => {
        seen.push({ text: queued.text, seq: queued.seq });
        return queued.seq !== 2;
      };
    };
    const { gateway, server } = await start({ onOpen });
    const client = await open(server, "token=k&tags=user:1");
    const socket = await opened.promise;
    expect(socket.tags).toEqual(["user:1"]);
    expect(socket.data).toEqual({ token: "k" });
    await client.waitForMessage("replay-1");
    expect(gateway.send({ tags: ["user:1"] }, "live-1", 1)).toBe(1);
    expect(gateway.send({ tags: ["user:1"] }, "dup-2", 2)).toBe(1);
    expect(gateway.send({ tags: ["user:1"] }, "live-3")).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(client.messages).toEqual(["replay-1"]);
    replayDone.resolve();
    await client.waitForMessage("live-3");
    gateway.send({ tags: ["user:1"] }, "live-4");
    await client.waitForMessage("live-4");
    expect(client.messages).toEqual(["replay-1", "replay-2", "live-1", "live-3", "live-4"]);
    expect(seen).toEqual([
      { text: "live-1", seq: 1 },
      { text: "dup-2", seq: 2 },
      { text: "live-3", seq: undefined },
    ]);
  });

  it("closes the socket with 1011 when onOpen rejects", async () => {
    const { server } = await start({ onOpen: () => Promise.reject(new Error("store down")) });
    const client = await open(server, "token=k");
    expect((await client.closed).code).toBe(CloseCode.INTERNAL_ERROR);
  });

  it("closes the socket with 1013 when the queue outgrows its bound", async () => {
    const never = deferred();
    const { gateway, server } = await start({ onOpen: () => never.promise, maxQueuedMessages: 3 });
    const client = await open(server, "token=k&tags=t");
    const accepted = [1, 2, 3, 4].map((n) => gateway.send({ tags: ["t"] }, `m${n}`));
    expect(accepted).toEqual([1, 1, 1, 0]);
    expect((await client.closed).code).toBe(CloseCode.TRY_AGAIN_LATER);
    expect(client.messages).toEqual([]);
  });
});

describe("bus health", () => {
  it("closes every socket with 1013 and refuses upgrades (503) while the bus is down", async () => {
    const bus = new MemoryBus();
    const { gateway, server } = await start({ bus });
    const client = await open(server, "token=k");
    bus.setHealthy(false);
    expect((await client.closed).code).toBe(CloseCode.TRY_AGAIN_LATER);
    expect((await refusal(server.url("/ws?token=k"))).status).toBe(503);
    expect(gateway.stats()).toMatchObject({ accepting: false, bus: { kind: "memory", healthy: false } });
    bus.setHealthy(true);
    await open(server, "token=k");
    expect(gateway.socketCount).toBe(1);
  });
});

describe("shutdown", () => {
  it("closes every socket with 1012, resolves when they are closed, then refuses upgrades with 503", async () => {
    const bus = new MemoryBus();
    const { gateway, server } = await start({ bus });
    const clients = await Promise.all([open(server, "token=a"), open(server, "token=b&tags=x"), open(server, "token=c")]);
    await gateway.shutdown();
    expect(gateway.socketCount).toBe(0);
    for (const client of clients) expect((await client.closed).code).toBe(CloseCode.SERVICE_RESTART);
    expect((await refusal(server.url("/ws?token=a"))).status).toBe(503);
    // Left the bus (without closing it): other instances' messages no longer reach it.
    expect(bus.healthy).toBe(true);
  });

  it("terminates a socket that does not answer the close within the timeout", async () => {
    const { gateway, server } = await start({ closeTimeoutMs: 100 });
    const client = await open(server, "token=k");
    // A client that stopped reading never sees our close frame, so never answers it.
    (Reflect.get(client.ws, "_socket") as Socket).pause();
    const started = Date.now();
    await gateway.shutdown();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(gateway.socketCount).toBe(0);
    client.ws.terminate();
  });
});

describe("attach", () => {
  it("can be detached, leaving the server's upgrades alone", async () => {
    const gateway = createGateway({ authenticate: testAuthenticate });
    const server = createServer();
    const detach = gateway.attach(server);
    expect(server.listenerCount("upgrade")).toBe(1);
    expect(gateway.attach(server)).toBe(detach);
    detach();
    expect(server.listenerCount("upgrade")).toBe(0);
    await gateway.shutdown();
  });
});
