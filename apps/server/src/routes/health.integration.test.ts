import { afterAll, describe, expect, it } from "vitest";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";
import { SocketClient } from "../../test/SocketClient.js";
import type { Store } from "../store/Store.js";

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

describe("GET /healthz when the database does not answer", () => {
  it("is 503 degraded, and the warning says what the gateway holds", async () => {
    let down = false;
    const lines: string[] = [];
    const t = await startTestServer({ LOG_LEVEL: "warn" }, undefined, {
      logLines: lines,
      wrapStore: (store) =>
        new Proxy(store, {
          get(target, prop, receiver) {
            if (prop === "ping" && down) return () => Promise.reject(new Error("database gone"));
            const value: unknown = Reflect.get(target, prop, receiver);
            return typeof value === "function" ? value.bind(target) : value;
          },
        }) as Store,
    });
    servers.push(t);
    const c = t.client({ deviceId: "device-health-1" });
    await c.signup(uniqueEmail());
    const socket = await SocketClient.open(c);
    try {
      down = true;
      const res = await c.get("/healthz");
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: "degraded", db: "sqlite", bus: "memory" });
      const warning = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === "health check failed");
      expect(warning).toMatchObject({
        db: false,
        bus: true,
        gateway: { sockets: 1, keys: 1, tags: 3, accepting: true, bus: { kind: "memory", healthy: true } },
      });
    } finally {
      socket.ws.terminate();
    }
  });
});
