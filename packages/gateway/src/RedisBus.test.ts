import { CloseCode } from "@tandem/protocol";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "./Gateway.js";
import { RedisBus } from "./RedisBus.js";
import { connect, listen, refusal, waitFor, type ListeningGateway, type TestClient } from "./testing/gatewayHarness.js";
import { startRedis, type RedisServer } from "@tandem/testkit";
import { testAuthenticate, type TestSocketData } from "./testing/testAuthenticate.js";

interface Instance {
  readonly bus: RedisBus;
  readonly gateway: Gateway<TestSocketData>;
  readonly server: ListeningGateway;
}

let redis: RedisServer;
let a: Instance;
let b: Instance;
const clients: TestClient[] = [];

async function instance(url: string): Promise<Instance> {
  // Fast retries: the test restarts Redis and should not wait out a production backoff.
  const bus = new RedisBus({ url, maxRetryDelayMs: 100 });
  await waitFor(() => bus.healthy, 5_000, "the bus to connect");
  const gateway = createGateway<TestSocketData>({ authenticate: testAuthenticate, bus });
  return { bus, gateway, server: await listen(gateway) };
}

async function open(on: Instance, query: string): Promise<TestClient> {
  const client = await connect(on.server.url(`/ws?${query}`));
  clients.push(client);
  return client;
}

beforeAll(async () => {
  redis = await startRedis();
  a = await instance(redis.url);
  b = await instance(redis.url);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  for (const { server, bus } of [a, b]) {
    await server?.close();
    await bus?.close();
  }
  await redis?.stop();
});

/** Cross-instance delivery is asynchronous: a marker sent last tells when everything has arrived. */
async function settle(from: Instance, to: TestClient[]): Promise<void> {
  const marker = `marker-${Math.random()}`;
  from.gateway.send({ sockets: ["*"] }, marker);
  await Promise.all(to.map((client) => client.waitForMessage(marker, 5_000)));
  for (const client of to) client.messages.splice(client.messages.indexOf(marker), 1);
}

describe("RedisBus", () => {
  it("delivers across instances exactly once", async () => {
    const onA = await open(a, "token=k&tags=user:1");
    const onB = await open(b, "token=k&tags=user:1");
    const otherOnB = await open(b, "token=k&tags=user:2");
    expect(a.gateway.send({ tags: ["user:1"] }, "from-a")).toBe(1);
    await onB.waitForMessage("from-a", 5_000);
    expect(b.gateway.send({ tags: ["user:1"] }, "from-b")).toBe(1);
    await settle(a, [onA, onB, otherOnB]);
    expect(onA.messages).toEqual(["from-a", "from-b"]);
    expect(onB.messages).toEqual(["from-a", "from-b"]);
    expect(otherOnB.messages).toEqual([]);
    await expect(a.bus.ping()).resolves.toBeUndefined();
  });

  it("closes sockets across instances", async () => {
    const onB = await open(b, "token=k&tags=session:x");
    expect(a.gateway.close({ tags: ["session:x"] }, CloseCode.SIGNED_OUT, "signed out")).toBe(0);
    expect((await onB.closed).code).toBe(CloseCode.SIGNED_OUT);
  });

  it("ignores malformed messages on its channel", async () => {
    const onB = await open(b, "token=k&tags=t");
    const raw = new Redis(redis.url);
    try {
      await raw.publish(b.bus.channel, "not a bus message");
    } finally {
      await raw.quit();
    }
    a.gateway.send({ tags: ["t"] }, "ok");
    await onB.waitForMessage("ok", 5_000);
    expect(onB.messages).toEqual(["ok"]);
  });

  it("goes unhealthy when Redis dies (1013, then 503) and recovers when it returns", async () => {
    const onA = await open(a, "token=k");
    const onB = await open(b, "token=k");
    await redis.stop();
    await waitFor(() => !a.bus.healthy && !b.bus.healthy, 5_000, "both buses to notice");
    expect((await onA.closed).code).toBe(CloseCode.TRY_AGAIN_LATER);
    expect((await onB.closed).code).toBe(CloseCode.TRY_AGAIN_LATER);
    expect((await refusal(a.server.url("/ws?token=k"))).status).toBe(503);
    await expect(a.bus.ping()).rejects.toThrow();
    // Publishing while down fails fast and quietly instead of buffering.
    expect(a.gateway.send({ sockets: ["*"] }, "into the void")).toBe(0);

    await redis.restart();
    await waitFor(() => a.bus.healthy && b.bus.healthy, 5_000, "both buses to reconnect");
    const again = await open(a, "token=k&tags=back");
    const againOnB = await open(b, "token=k&tags=back");
    b.gateway.send({ tags: ["back"] }, "welcome back");
    await again.waitForMessage("welcome back", 5_000);
    await settle(b, [again, againOnB]);
    expect(again.messages).toEqual(["welcome back"]);
    expect(againOnB.messages).toEqual(["welcome back"]);
  });
});
