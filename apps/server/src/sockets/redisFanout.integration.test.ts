import { describe, expect, it } from "vitest";
import { CloseCode, TodoResponse } from "@tandem/protocol";
import { useTwoInstances } from "../../test/twoInstances.js";
import { ApiClient } from "../../test/ApiClient.js";
import { SocketClient } from "../../test/SocketClient.js";
import { uniqueEmail } from "../../test/testServer.js";

/**
 * Two server processes on one database and one real redis-server: what a multi-instance
 * deployment is. A change made through instance A must reach a device connected to instance B.
 */
const pair = useTwoInstances();

describe("two instances with Redis", () => {
  it("a change made through A reaches devices on A and B exactly once; a ticket from A opens on B", async () => {
    const email = uniqueEmail("redis");
    const onA = new ApiClient(pair.a.url, { deviceId: "device-inst-a1" });
    await onA.signup(email, "right password");
    // Sessions live in the shared database: the same cookie works on B, as behind a router.
    const onB = new ApiClient(pair.b.url, { deviceId: "device-inst-b1" });
    onB.cookie = onA.cookie;
    expect((await onB.get("/api/auth/me")).status).toBe(200);

    const sa = await SocketClient.open(onA);
    pair.sockets.push(sa);
    // A ticket issued by A, redeemed by B (tickets live in Redis).
    const grantFromA = await SocketClient.grant(new ApiClient(pair.a.url, { deviceId: "device-inst-b1" }).withCookie(onA.cookie));
    const sb = await SocketClient.open(onB);
    pair.sockets.push(sb);
    const crossUri = grantFromA.uri.replace(`:${pair.a.port}/`, `:${pair.b.port}/`);
    expect(await SocketClient.upgradeStatus(crossUri)).toBe(101);

    const todo = TodoResponse.parse((await onA.post("/api/todos", { text: "over the bus" })).body).todo;
    await onB.patch(`/api/todos/${todo.id}`, { done: true });
    for (const s of [sa, sb]) {
      await s.untilMessages(2);
      expect(s.seqs()).toEqual([1, 2]);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(sa.messages).toHaveLength(2);
    expect(sb.messages).toHaveLength(2);
  });

  it("counts failed sign-ins across instances", async () => {
    const email = uniqueEmail("redis-throttle");
    await new ApiClient(pair.a.url).signup(email, "right password");
    for (const url of [pair.a.url, pair.b.url, pair.a.url, pair.b.url, pair.a.url]) {
      expect((await new ApiClient(url).post("/api/auth/login", { email, password: "wrong" })).status).toBe(401);
    }
    // Five failures in all (the default limit per email and IP), split over two instances.
    expect((await new ApiClient(pair.b.url).post("/api/auth/login", { email, password: "right password" })).status).toBe(429);
  });

  it("when Redis dies, /healthz says so and sockets are closed; once it is back they reconnect and catch up", async () => {
    const email = uniqueEmail("redis-down");
    const api = new ApiClient(pair.b.url, { deviceId: "device-inst-b2" });
    await api.signup(email, "right password");
    const s = await SocketClient.open(api);
    pair.sockets.push(s);
    await api.post("/api/todos", { text: "before the outage" });
    await s.untilMessages(1);

    await pair.redis.stop();
    expect((await s.untilClosed(10_000)).code).toBe(CloseCode.TRY_AGAIN_LATER);
    const health = await api.get<{ status: string; bus: string }>("/healthz");
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: "degraded", bus: "redis" });
    // Writes still commit (the database is fine); the socket catches up afterwards.
    await api.post("/api/todos", { text: "during the outage" });

    await pair.redis.restart();
    const deadline = Date.now() + 15_000;
    let again: SocketClient | undefined;
    while (!again && Date.now() < deadline) {
      try {
        again = await SocketClient.open(api, { since: 1 });
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(again).toBeDefined();
    pair.sockets.push(again as SocketClient);
    await again!.untilMessages(1);
    expect(again!.seqs()).toEqual([2]);
    expect((await api.get("/healthz")).status).toBe(200);
  }, 40_000);
});
