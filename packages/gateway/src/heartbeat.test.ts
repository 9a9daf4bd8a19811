import { afterEach, describe, expect, it } from "vitest";
import { createGateway } from "./Gateway.js";
import { connect, listen, waitFor, type ListeningGateway, type TestClient } from "./testing/gatewayHarness.js";
import { testAuthenticate } from "./testing/testAuthenticate.js";

const INTERVAL_MS = 50;
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const resource of opened.splice(0).reverse()) await resource.close();
});

async function start(): Promise<{ server: ListeningGateway; socketCount: () => number }> {
  const gateway = createGateway({ authenticate: testAuthenticate, pingIntervalMs: INTERVAL_MS });
  const server = await listen(gateway);
  opened.push(server);
  return { server, socketCount: () => gateway.socketCount };
}

async function open(server: ListeningGateway, autoPong: boolean): Promise<TestClient> {
  const client = await connect(server.url("/ws?token=k"), { autoPong });
  opened.push(client);
  return client;
}

describe("heartbeat", () => {
  it("terminates a client that stops answering pings within two intervals", async () => {
    const { server, socketCount } = await start();
    const silent = await open(server, false);
    const started = Date.now();
    const closed = await silent.closed;
    // Terminated, not closed: a peer that does not answer pings would not answer a close either.
    expect(closed.code).toBe(1006);
    expect(Date.now() - started).toBeLessThan(2 * INTERVAL_MS + 400);
    await waitFor(() => socketCount() === 0);
  });

  it("keeps a healthy idle client for many intervals", async () => {
    const { server, socketCount } = await start();
    const healthy = await open(server, true);
    await new Promise((resolve) => setTimeout(resolve, 12 * INTERVAL_MS));
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
    expect(healthy.pings).toBeGreaterThanOrEqual(10);
    expect(socketCount()).toBe(1);
  });
});
