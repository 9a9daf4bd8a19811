import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@tandem/gateway/testing";
import { startRedis, type RedisServer } from "@tandem/testkit";
import { CreateWebhookResponse, TodoListResponse, WebhookDeliveriesResponse } from "@tandem/protocol";
import { ApiClient } from "../../test/ApiClient.js";
import { startServerProcess, type ServerProcess } from "../../test/serverProcess.js";
import { uniqueEmail } from "../../test/testServer.js";
import { WebhookReceiver } from "../../test/webhookReceiver.js";

/**
 * Two server processes on one SQLite file and one real redis-server, as a multi-instance
 * deployment runs: both deliverers look for due deliveries (each woken by its own commits, and
 * polling for the other's), and each change must still reach the endpoint exactly once, in order.
 */
let redis: RedisServer;
let a: ServerProcess;
let b: ServerProcess;
let dataDir: string;
let receiver: WebhookReceiver;

beforeAll(async () => {
  redis = await startRedis();
  receiver = await WebhookReceiver.start();
  receiver.delayMs = 5;
  dataDir = mkdtempSync(path.join(tmpdir(), "tandem-webhooks-two-"));
  const env = {
    DATA_DIR: dataDir,
    REDIS_URL: redis.url,
    SESSION_SECRET: "shared-session-secret-0123456789abcdef",
    WEBHOOK_ALLOW_PRIVATE_TARGETS: "1",
    WEBHOOK_POLL_MS: "50",
    WRITE_BURST_PER_USER: "1000",
  };
  a = await startServerProcess(env);
  b = await startServerProcess(env);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.kill(), b?.kill()]);
  await receiver?.close();
  await redis?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("outbound webhooks with two server processes (one SQLite file, Redis)", () => {
  it("deliver each change once, in seq order, whichever process committed it", async () => {
    const onA = new ApiClient(a.url, { deviceId: "device-proc-a" });
    await onA.signup(uniqueEmail("webhooks-two"));
    const onB = new ApiClient(b.url, { deviceId: "device-proc-b" }).withCookie(onA.cookie);
    const hook = CreateWebhookResponse.parse((await onA.post("/api/webhooks", { url: receiver.url() })).body);
    const writes = 40;
    await Promise.all(
      [onA, onB].map(async (client, k) => {
        for (let i = k; i < writes; i += 2) expect((await client.post("/api/todos", { text: `todo ${i}` })).status).toBe(201);
      }),
    );
    const { seq } = TodoListResponse.parse((await onB.get("/api/todos")).body);
    expect(seq).toBe(writes);
    await waitFor(() => receiver.received.length >= writes, 30_000, "every change delivered");
    const delivered = receiver.delivered(hook.secret);
    expect(delivered.map((e) => e.meta.seq)).toEqual(Array.from({ length: writes }, (_, i) => i + 1));
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(writes);
    expect(receiver.received.every((r) => r.status === 204)).toBe(true);
    // Every attempt either process made is recorded: one per change, none repeated.
    const recorded = async () => WebhookDeliveriesResponse.parse((await onB.get(`/api/webhooks/${hook.id}/deliveries`)).body).deliveries;
    let deliveries = await recorded();
    // The last answer may have arrived a moment before its attempt was recorded.
    for (const deadline = Date.now() + 10_000; deliveries.length < writes && Date.now() < deadline; ) deliveries = await recorded();
    expect(deliveries.map((d) => [d.seq, d.attempt, d.status]).reverse()).toEqual(Array.from({ length: writes }, (_, i) => [i + 1, 1, 204]));
  }, 60_000);
});
