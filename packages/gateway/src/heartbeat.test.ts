import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { WebSocket } from "ws";
import { createGateway } from "./Gateway.js";
import { HEARTBEAT_TICK_MS, Heartbeat } from "./heartbeat.js";
import { connect, listen, waitFor, type ListeningGateway, type TestClient } from "./testing/gatewayHarness.js";
import { testAuthenticate } from "./testing/testAuthenticate.js";

const INTERVAL_MS = 50;
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const resource of opened.splice(0).reverse()) await resource.close();
});

async function start(intervalMs = INTERVAL_MS): Promise<{ server: ListeningGateway; socketCount: () => number }> {
  const gateway = createGateway({ authenticate: testAuthenticate, pingIntervalMs: intervalMs });
  const server = await listen(gateway);
  opened.push(server);
  return { server, socketCount: () => gateway.socketCount };
}

async function open(server: ListeningGateway, autoPong: boolean): Promise<TestClient> {
  const client = await connect(server.url("/ws?token=k"), { autoPong });
  opened.push(client);
  return client;
}

describe("heartbeat, in a gateway", () => {
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
    // Counted in pings answered, not in wall-clock time: a loaded machine runs timers late. The
    // client shares this process's event loop, so each interval must outlast a scheduling stall
    // between a ping and the reading of its pong; a few hundred milliseconds does.
    const { server, socketCount } = await start(250);
    const healthy = await open(server, true);
    await waitFor(() => healthy.pings >= 10 || healthy.ws.readyState !== healthy.ws.OPEN, 30_000, "ten pings");
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
    expect(healthy.pings).toBeGreaterThanOrEqual(10);
    expect(socketCount()).toBe(1);
  });

  it("terminates a client that sends pongs of its own accord but never answers a ping", async () => {
    const { server, socketCount } = await start();
    const faker = await open(server, false);
    // Unsolicited pongs (RFC 6455 §5.5.3 allows them as a heartbeat), empty and with a payload:
    // none is the answer to the server's ping, so none proves the client is reading.
    let n = 0;
    const pongs = setInterval(() => faker.ws.pong(n++ % 2 === 0 ? undefined : Buffer.from("pong")), 5);
    try {
      await waitFor(() => faker.ws.readyState === faker.ws.CLOSED, 20 * INTERVAL_MS + 5_000, "the faker to be dropped");
      expect((await faker.closed).code).toBe(1006);
      expect(faker.pings).toBeGreaterThanOrEqual(1);
      await waitFor(() => socketCount() === 0);
    } finally {
      clearInterval(pongs);
    }
  });
});

/** The part of a ws socket the heartbeat touches; echoes each ping's payload unless told to stay silent. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  /** When each ping was sent (fake time). */
  readonly pings: number[] = [];
  /** Each ping's payload. */
  readonly payloads: Buffer[] = [];
  constructor(readonly answers: boolean) {
    super();
  }
  ping(data?: Buffer): void {
    this.pings.push(Date.now());
    const payload = Buffer.from(data ?? []);
    this.payloads.push(payload);
    if (this.answers) queueMicrotask(() => this.emit("pong", payload));
  }
}

function sockets(count: number, answers = true): FakeSocket[] {
  return Array.from({ length: count }, () => new FakeSocket(answers));
}

const asWs = (socket: FakeSocket) => socket as unknown as WebSocket;

describe("Heartbeat, on its own (fake sockets and timers)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("pings one slice per tick and every socket once per interval", async () => {
    const heartbeat = new Heartbeat(1_000, () => {});
    const all = sockets(100);
    for (const socket of all) heartbeat.add(asWs(socket));
    const pingsSoFar = () => all.reduce((sum, socket) => sum + socket.pings.length, 0);

    const perTick: number[] = [];
    for (let tick = 0; tick < 10; tick++) {
      const before = pingsSoFar();
      await vi.advanceTimersByTimeAsync(HEARTBEAT_TICK_MS);
      perTick.push(pingsSoFar() - before);
    }
    // 1,000 ms of 100 ms ticks: ten slices of ten sockets, not one tick that pings all hundred.
    expect(perTick).toEqual(Array(10).fill(10));
    expect(all.map((socket) => socket.pings.length)).toEqual(Array(100).fill(1));

    await vi.advanceTimersByTimeAsync(2_000);
    expect(all.map((socket) => socket.pings.length)).toEqual(Array(100).fill(3));
    // Each socket's pings are one interval apart.
    for (const socket of all) expect(socket.pings[2]! - socket.pings[1]!).toBe(1_000);
    heartbeat.stop();
  });

  it("keeps the slices even when only every 250th connection stays", async () => {
    const heartbeat = new Heartbeat(25_000, () => {});
    const kept: FakeSocket[] = [];
    for (let i = 0; i < 250 * 40; i++) {
      const [socket] = sockets(1);
      heartbeat.add(asWs(socket!));
      if (i % 250 === 0) kept.push(socket!);
      else heartbeat.remove(asWs(socket!));
    }
    const perTick: number[] = [];
    for (let tick = 0; tick < 250; tick++) {
      const before = kept.reduce((sum, socket) => sum + socket.pings.length, 0);
      await vi.advanceTimersByTimeAsync(HEARTBEAT_TICK_MS);
      perTick.push(kept.reduce((sum, socket) => sum + socket.pings.length, 0) - before);
    }
    // 40 sockets over 250 slices: never more than one a tick (joining in turn put all 40 in one).
    expect(Math.max(...perTick)).toBe(1);
    expect(kept.every((socket) => socket.pings.length === 1)).toBe(true);
    heartbeat.stop();
  });

  it("drops a socket that missed its pong at its slice's next turn, and keeps those that answer", async () => {
    const dead: WebSocket[] = [];
    const heartbeat = new Heartbeat(1_000, (ws) => dead.push(ws));
    const healthy = sockets(30);
    const [silent] = sockets(1, false);
    for (const socket of [...healthy.slice(0, 15), silent!, ...healthy.slice(15)]) heartbeat.add(asWs(socket));
    const added = Date.now();

    await vi.advanceTimersByTimeAsync(1_000);
    expect(dead).toEqual([]);
    expect(silent!.pings).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(1_000);
    expect(dead).toEqual([asWs(silent!)]);
    // Dropped one interval after its unanswered ping, within two intervals of joining.
    expect(Date.now() - added).toBeLessThanOrEqual(2_000);
    expect(heartbeat.size).toBe(30);
    expect(silent!.listenerCount("pong")).toBe(0);

    await vi.advanceTimersByTimeAsync(5_000);
    expect(dead).toHaveLength(1);
    expect(healthy.every((socket) => socket.pings.length === 7)).toBe(true);
    heartbeat.stop();
  });

  it("accepts only the pong that echoes the latest ping's payload", async () => {
    const dead: WebSocket[] = [];
    const heartbeat = new Heartbeat(1_000, (ws) => dead.push(ws));
    const [honest, stale, empty] = sockets(3, false);
    for (const socket of [honest!, stale!, empty!]) heartbeat.add(asWs(socket));
    await vi.advanceTimersByTimeAsync(1_000);
    for (const socket of [honest!, stale!, empty!]) expect(socket.payloads[0]?.length).toBeGreaterThan(0);
    honest!.emit("pong", honest!.payloads[0]);
    stale!.emit("pong", honest!.payloads[0]);
    empty!.emit("pong", Buffer.alloc(0));

    await vi.advanceTimersByTimeAsync(1_000);
    expect(new Set(dead)).toEqual(new Set([asWs(stale!), asWs(empty!)]));
    expect(honest!.pings).toHaveLength(2);
    // A new ping, a new payload: answering with the previous one is no answer.
    expect(honest!.payloads[1]!.equals(honest!.payloads[0]!)).toBe(false);
    honest!.emit("pong", honest!.payloads[0]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(dead).toContain(asWs(honest!));
    heartbeat.stop();
  });

  it("does not ping a socket that is closing, and drops it if it is still there next turn", async () => {
    const dead: WebSocket[] = [];
    const heartbeat = new Heartbeat(200, (ws) => dead.push(ws));
    const [closing] = sockets(1);
    closing!.readyState = 2;
    heartbeat.add(asWs(closing!));
    await vi.advanceTimersByTimeAsync(200);
    expect(closing!.pings).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(dead).toEqual([asWs(closing!)]);
  });

  it("runs its timer only while it holds sockets", async () => {
    const heartbeat = new Heartbeat(1_000, () => {});
    expect(vi.getTimerCount()).toBe(0);
    const [a, b] = sockets(2);
    heartbeat.add(asWs(a!));
    heartbeat.add(asWs(a!));
    heartbeat.add(asWs(b!));
    expect(heartbeat.size).toBe(2);
    expect(vi.getTimerCount()).toBe(1);
    heartbeat.remove(asWs(a!));
    heartbeat.remove(asWs(a!));
    expect(a!.listenerCount("pong")).toBe(0);
    expect(vi.getTimerCount()).toBe(1);
    heartbeat.remove(asWs(b!));
    expect(heartbeat.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect([...a!.pings, ...b!.pings]).toEqual([]);
  });

  /** How many pings one socket gets in `ms` from a heartbeat of `intervalMs`. */
  async function pingsOfOne(intervalMs: number, ms: number): Promise<number> {
    const heartbeat = new Heartbeat(intervalMs, () => {});
    const [socket] = sockets(1);
    heartbeat.add(asWs(socket!));
    await vi.advanceTimersByTimeAsync(ms);
    heartbeat.stop();
    return socket!.pings.length;
  }

  it("pings on every tick when the interval is shorter than a tick, and bounds the slices of a very long one", async () => {
    expect(await pingsOfOne(40, 400)).toBe(10);
    // 10,000 s would be 100,000 slices of 100 ms; at most 1,000 are kept, ticking every 10 s.
    expect(await pingsOfOne(10_000_000, 10_000)).toBe(1);
  });
});
