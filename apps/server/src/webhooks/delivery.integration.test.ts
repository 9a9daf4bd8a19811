import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "@tandem/gateway/testing";
import { CreateWebhookResponse, TodoResponse, WebhookDeliveriesResponse, WebhookListResponse, type ChangeEvent } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";
import { WebhookReceiver } from "../../test/webhookReceiver.js";
import type { ApiClient } from "../../test/ApiClient.js";

/** Loopback endpoints need WEBHOOK_ALLOW_PRIVATE_TARGETS; retries come due within milliseconds. */
const ENV = {
  WEBHOOK_ALLOW_PRIVATE_TARGETS: "1",
  WEBHOOK_RETRY_BASE_MS: "20",
  WEBHOOK_RETRY_MAX_DELAY_MS: "50",
  WEBHOOK_POLL_MS: "50",
  WRITE_BURST_PER_USER: "1000",
};
const WAIT_MS = 20_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(env: Record<string, string> = {}, dataDir?: string): Promise<TestServer> {
  const t = await startTestServer({ ...ENV, ...env }, dataDir);
  cleanups.push(() => (dataDir === undefined ? t.close() : t.stop()));
  return t;
}

async function receiver(): Promise<WebhookReceiver> {
  const r = await WebhookReceiver.start();
  cleanups.push(() => r.close());
  return r;
}

/** A signed-in user on `t` whose committed changes (from the server's feed) are collected. */
async function userOn(t: TestServer) {
  const c = t.client({ deviceId: "device-webhooks" });
  const user = await c.signup(uniqueEmail());
  const events: ChangeEvent[] = [];
  t.server.feed.subscribe((e) => {
    if (e.meta.userId === user.id) events.push(e);
  });
  return { c, user, events };
}

async function register(c: ApiClient, url: string): Promise<CreateWebhookResponse> {
  const res = await c.post("/api/webhooks", { url });
  expect(res.status).toBe(201);
  return CreateWebhookResponse.parse(res.body);
}

/** Creates, updates, toggles all, clears and deletes: `n` creates and a few changes more. */
async function makeChanges(c: ApiClient, n: number): Promise<void> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(TodoResponse.parse((await c.post("/api/todos", { text: `todo ${i}` })).body).todo.id);
  expect((await c.patch(`/api/todos/${ids[0]}`, { text: "renamed" })).status).toBe(200);
  expect((await c.post("/api/todos/toggle-all", { done: true })).status).toBe(200);
  expect((await c.delete(`/api/todos/${ids[1]}`)).status).toBe(204);
  expect((await c.delete("/api/todos?done=true")).status).toBe(200);
}

/** Asks `read` until `done` holds for its answer (the API is read as a user would); returns that answer. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const seqs = (events: readonly ChangeEvent[]) => events.map((e) => e.meta.seq);

describe("outbound webhooks, delivered to a real endpoint on loopback", () => {
  it("delivers every change exactly once, in seq order, as the socket's JSON, signed with the endpoint's secret", async () => {
    const t = await server();
    const r = await receiver();
    const { c, events } = await userOn(t);
    const hook = await register(c, r.url());
    await makeChanges(c, 5);
    const total = events.length;
    expect(total).toBe(5 + 1 + 5 + 1 + 4);
    await waitFor(() => r.received.length >= total, WAIT_MS, `${total} deliveries`);
    const delivered = r.delivered(hook.secret);
    expect(seqs(delivered)).toEqual(seqs(events));
    expect(r.received.map((x) => x.body)).toEqual(events.map((e) => JSON.stringify(e)));
    expect(new Set(r.received.map((x) => x.id)).size).toBe(total);
    expect(r.received.every((x) => x.contentType === "application/json")).toBe(true);
    // Nothing more comes: one more look of the deliverer finds nothing due.
    await makeChanges(c, 2);
    await waitFor(() => r.received.length >= events.length, WAIT_MS, "the second batch");
    expect(seqs(r.delivered(hook.secret))).toEqual(seqs(events));

    // The last answer may arrive a moment before its attempt is recorded.
    const deliveries = await until(
      async () => WebhookDeliveriesResponse.parse((await c.get(`/api/webhooks/${hook.id}/deliveries`)).body).deliveries,
      (list) => list[0]?.seq === events.at(-1)?.meta.seq,
      "the last attempt to be recorded",
    );
    const [listed] = WebhookListResponse.parse((await c.get("/api/webhooks")).body).webhooks;
    expect(listed).toMatchObject({ lastDelivery: { status: 204, error: null }, failingSince: null, disabled: null });
    expect(deliveries[0]).toMatchObject({ seq: events.at(-1)?.meta.seq, attempt: 1, status: 204, nextRetryAt: null, eventId: r.received.at(-1)?.id });
  });

  it("an endpoint that answers 500 twice, then 200, gets everything, in order, with the same webhook-id on each retry", async () => {
    const t = await server();
    const r = await receiver();
    r.answer = (_req, index) => (index < 2 ? { status: 500, body: "down for a moment" } : 200);
    const { c, events } = await userOn(t);
    const hook = await register(c, r.url());
    await makeChanges(c, 3);
    await waitFor(() => r.received.filter((x) => x.status === 200).length >= events.length, WAIT_MS, "every change delivered");
    expect(r.received.slice(0, 3).map((x) => x.status)).toEqual([500, 500, 200]);
    expect(new Set(r.received.slice(0, 3).map((x) => x.id)).size).toBe(1);
    expect(seqs(r.delivered(hook.secret))).toEqual(seqs(events));
    const deliveries = await until(
      async () => WebhookDeliveriesResponse.parse((await c.get(`/api/webhooks/${hook.id}/deliveries`)).body).deliveries,
      (list) => list[0]?.seq === events.at(-1)?.meta.seq,
      "the last attempt to be recorded",
    );
    const first = deliveries.filter((d) => d.seq === 1).reverse();
    expect(first.map((d) => [d.attempt, d.status])).toEqual([[1, 500], [2, 500], [3, 200]]);
    expect(first[0]?.responseBody).toBe("down for a moment");
    expect(first[0]?.nextRetryAt).not.toBeNull();
    expect(WebhookListResponse.parse((await c.get("/api/webhooks")).body).webhooks[0]).toMatchObject({ failingSince: null, disabled: null });
  });

  it("a failing endpoint holds back its own later events but not another endpoint's", async () => {
    const t = await server({ WEBHOOK_RETRY_BASE_MS: "600000", WEBHOOK_RETRY_MAX_DELAY_MS: "600000" });
    const [down, up] = [await receiver(), await receiver()];
    down.answer = () => 503;
    const { c, events } = await userOn(t);
    await register(c, down.url());
    const healthy = await register(c, up.url());
    await makeChanges(c, 2);
    await waitFor(() => up.received.length >= events.length, WAIT_MS, "the healthy endpoint's deliveries");
    expect(seqs(up.delivered(healthy.secret))).toEqual(seqs(events));
    expect(down.received.map((x) => JSON.parse(x.body).meta.seq)).toEqual([1]);
    const [failing] = await until(
      async () => WebhookListResponse.parse((await c.get("/api/webhooks")).body).webhooks,
      (list) => list[0]?.lastDelivery !== null,
      "the failed attempt to be recorded",
    );
    expect(failing?.failingSince).not.toBeNull();
    expect(failing?.lastDelivery).toMatchObject({ status: 503 });
  });

  it("410 Gone disables the endpoint at once, with the reason; re-enabled, it gets the changes made after", async () => {
    const t = await server();
    const r = await receiver();
    r.answer = () => 410;
    const { c, events } = await userOn(t);
    const hook = await register(c, r.url());
    await c.post("/api/todos", { text: "one" });
    await c.post("/api/todos", { text: "two" });
    await waitFor(() => r.received.length >= 1, WAIT_MS, "the first attempt");
    const listed = await until(
      async () => WebhookListResponse.parse((await c.get("/api/webhooks")).body).webhooks[0],
      (webhook) => webhook?.disabled !== null,
      "the endpoint to be disabled",
    );
    expect(listed?.disabled?.reason).toBe("the endpoint answered 410 Gone");
    await c.post("/api/todos", { text: "while disabled" });
    r.answer = () => 204;
    expect((await c.post(`/api/webhooks/${hook.id}/enable`)).status).toBe(204);
    await c.post("/api/todos", { text: "after" });
    await waitFor(() => r.received.length >= 2, WAIT_MS, "the delivery after re-enabling");
    expect(r.received.map((x) => [x.status, JSON.parse(x.body).meta.seq])).toEqual([[410, 1], [204, events.at(-1)?.meta.seq]]);
    expect(WebhookListResponse.parse((await c.get("/api/webhooks")).body).webhooks[0]).toMatchObject({ disabled: null, failingSince: null });
  });

  it("a restart in the middle of a backlog loses nothing and delivers nothing twice", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tandem-webhook-restart-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const r = await receiver();
    r.delayMs = 25;
    const first = await server({}, dir);
    const { c, events } = await userOn(first);
    const hook = await register(c, r.url());
    for (let i = 0; i < 40; i++) await c.post("/api/todos", { text: `todo ${i}` });
    await waitFor(() => r.received.length >= 5, WAIT_MS, "the backlog to start going out");
    await first.stop();
    const sent = r.received.length;
    expect(sent).toBeLessThan(40);
    await server({}, dir);
    await waitFor(() => r.received.length >= 40, WAIT_MS, "the rest of the backlog");
    expect(seqs(r.delivered(hook.secret))).toEqual(seqs(events));
    expect(new Set(r.received.map((x) => x.id)).size).toBe(40);
    expect(r.received.every((x) => x.status === 204)).toBe(true);
  });

  it("two instances sharing one SQLite file deliver each change once, in order", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tandem-webhook-two-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const r = await receiver();
    r.delayMs = 5;
    const a = await server({}, dir);
    const b = await server({}, dir);
    const { c, events } = await userOn(a);
    const bEvents: ChangeEvent[] = [];
    b.server.feed.subscribe((e) => bEvents.push(e));
    const onB = b.client({ deviceId: "device-b" }).withCookie(c.cookie);
    const hook = await register(c, r.url());
    for (let i = 0; i < 30; i++) await (i % 2 === 0 ? c : onB).post("/api/todos", { text: `todo ${i}` });
    const all = [...events, ...bEvents].sort((x, y) => x.meta.seq - y.meta.seq);
    expect(seqs(all)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    await waitFor(() => r.received.length >= 30, WAIT_MS, "every change from both instances");
    expect(seqs(r.delivered(hook.secret))).toEqual(seqs(all));
    expect(new Set(r.received.map((x) => x.id)).size).toBe(30);
  });

  it("refuses at delivery time a target that is not public when private targets are not allowed (the name may have moved since)", async () => {
    const t = await server({ WEBHOOK_ALLOW_PRIVATE_TARGETS: "0", WEBHOOK_RETRY_BASE_MS: "600000", WEBHOOK_RETRY_MAX_DELAY_MS: "600000" });
    const r = await receiver();
    const { c, user } = await userOn(t);
    // Registered behind the route's back: as if its name had resolved to a public address then.
    const id = "00000000-0000-4000-8000-000000000001";
    await t.store.webhooks.create({ id, userId: user.id, url: r.url(), description: "", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", createdAt: new Date().toISOString() }, 10);
    await c.post("/api/todos", { text: "secret" });
    const deliveries = await until(
      async () => WebhookDeliveriesResponse.parse((await c.get(`/api/webhooks/${id}/deliveries`)).body).deliveries,
      (list) => list.length > 0,
      "the refused attempt",
    );
    expect(deliveries[0]).toMatchObject({ seq: 1, attempt: 1, status: null, error: "refused: 127.0.0.1 resolves to 127.0.0.1, which is not a public address" });
    expect(r.received).toEqual([]);
  });
});
