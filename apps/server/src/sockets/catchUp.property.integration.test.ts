import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import WebSocket from "ws";
import { DEVICES_MESSAGE, SocketMessage, TodoListResponse, TodoResponse, isResync, type Todo } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";
import { SocketClient } from "../../test/SocketClient.js";
import type { ApiClient } from "../../test/ApiClient.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

/**
 * One device as a real client would be: it applies every event it receives to its own copy of the
 * list, remembers the last seq, and reconnects with `since=<last seq>`. It records any seq it saw
 * twice or skipped.
 */
class Device {
  model = new Map<string, Todo>();
  lastSeq = 0;
  problems: string[] = [];
  private ws: WebSocket | undefined;

  constructor(readonly api: ApiClient) {}

  async connect(): Promise<void> {
    const grant = await SocketClient.grant(this.api, this.lastSeq);
    const ws = new WebSocket(grant.uri);
    this.ws = ws;
    ws.on("message", (data) => {
      if (this.ws !== ws) return; // a replaced socket's late frames are ignored, as in the app
      const message = SocketMessage.parse(JSON.parse(data.toString()));
      if (message.type === DEVICES_MESSAGE) return; // the live roster is not part of the change stream
      if (isResync(message)) {
        this.problems.push(`unexpected resync at ${message.meta.seq}`);
        return;
      }
      const { seq } = message.meta;
      if (seq <= this.lastSeq) this.problems.push(`seq ${seq} seen again (last ${this.lastSeq})`);
      else if (seq > this.lastSeq + 1) this.problems.push(`seq ${seq} skipped from ${this.lastSeq}`);
      this.lastSeq = Math.max(this.lastSeq, seq);
      if (message.meta.eventName === "delete") this.model.delete(message.object.id);
      else this.model.set(message.object.id, message.object as Todo);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
  }

  disconnect(): void {
    const ws = this.ws;
    this.ws = undefined;
    ws?.terminate();
  }

  get connected(): boolean {
    return this.ws !== undefined;
  }
}

type Command =
  | { kind: "create"; device: number; text: string }
  | { kind: "update"; device: number; pick: number; done: boolean; text: string | null }
  | { kind: "delete"; device: number; pick: number }
  | { kind: "disconnect"; device: number }
  | { kind: "reconnect"; device: number };

const device = fc.integer({ min: 0, max: 2 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("create" as const), device, text: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim().length > 0) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("update" as const), device, pick: fc.nat(), done: fc.boolean(), text: fc.option(fc.constantFrom("x", "y", "z")) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), device, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("disconnect" as const), device }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reconnect" as const), device }) },
);

describe("catch-up across disconnects (property)", () => {
  it("every device converges on GET /api/todos and sees each seq exactly once", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 40 }), async (commands) => {
        const email = uniqueEmail("prop");
        const apis = [t.client({ deviceId: "device-prop-a" }), t.client({ deviceId: "device-prop-b" }), t.client({ deviceId: "device-prop-c" })];
        await apis[0]!.signup(email, "right password");
        for (const api of apis.slice(1)) await api.post("/api/auth/login", { email, password: "right password" });
        const devices = apis.map((api) => new Device(api));
        try {
          for (const d of devices) await d.connect();
          const ids: string[] = [];
          for (const c of commands) {
            const d = devices[c.device]!;
            switch (c.kind) {
              case "create": {
                const res = await d.api.post("/api/todos", { text: c.text });
                ids.push(TodoResponse.parse(res.body).todo.id);
                break;
              }
              case "update": {
                if (ids.length === 0) break;
                const id = ids[c.pick % ids.length]!;
                await d.api.patch(`/api/todos/${id}`, { done: c.done, ...(c.text ? { text: c.text } : {}) });
                break;
              }
              case "delete": {
                if (ids.length === 0) break;
                const [id] = ids.splice(c.pick % ids.length, 1);
                await d.api.delete(`/api/todos/${id}`);
                break;
              }
              case "disconnect":
                d.disconnect();
                break;
              case "reconnect":
                if (!d.connected) await d.connect();
                break;
            }
          }
          for (const d of devices) if (!d.connected) await d.connect();
          const truth = TodoListResponse.parse((await apis[0]!.get("/api/todos")).body);
          const deadline = Date.now() + 5000;
          while (devices.some((d) => d.lastSeq < truth.seq) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
          for (const d of devices) {
            expect(d.problems).toEqual([]);
            expect(d.lastSeq).toBe(truth.seq);
            expect([...d.model.values()].sort((a, b) => a.id.localeCompare(b.id))).toEqual([...truth.todos].sort((a, b) => a.id.localeCompare(b.id)));
          }
        } finally {
          for (const d of devices) d.disconnect();
        }
      }),
      { numRuns: 15 },
    );
  });
});
