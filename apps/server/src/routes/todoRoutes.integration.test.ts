import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorBody, TodoListResponse, TodoResponse, type ChangeEvent, type Todo } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";
import type { ApiClient } from "../../test/ApiClient.js";

let t: TestServer;
const events: ChangeEvent[] = [];
beforeAll(async () => {
  t = await startTestServer();
  t.server.feed.subscribe((e) => events.push(e));
});
afterAll(() => t.close());

async function signedIn(deviceId = "device-test-1"): Promise<{ c: ApiClient; userId: string }> {
  const c = t.client({ deviceId });
  const user = await c.signup(uniqueEmail());
  return { c, userId: user.id };
}

const todoOf = (body: unknown): Todo => TodoResponse.parse(body).todo;
const listOf = async (c: ApiClient) => TodoListResponse.parse((await c.get("/api/todos")).body);
const eventsOf = (userId: string) => events.filter((e) => e.meta.userId === userId);
const errorCode = (body: unknown) => ErrorBody.parse(body).error.code;

describe("todos CRUD", () => {
  it("creates, lists oldest first, updates and deletes, with versions and device ids", async () => {
    const { c, userId } = await signedIn("device-aaaa-1");
    const a = todoOf((await c.post("/api/todos", { text: "  buy milk  " })).body);
    const b = todoOf((await c.post("/api/todos", { text: "walk the dog" })).body);
    expect(a).toMatchObject({ text: "buy milk", done: false, version: 1, device: "device-aaaa-1", userId, objectType: "objects.todos" });

    const list = await listOf(c);
    expect(list.todos.map((x) => x.id)).toEqual([a.id, b.id]);
    expect(list.seq).toBe(2);

    const patched = await c.patch(`/api/todos/${a.id}`, { done: true });
    expect(patched.status).toBe(200);
    expect(todoOf(patched.body)).toMatchObject({ done: true, version: 2 });
    const renamed = todoOf((await c.patch(`/api/todos/${a.id}`, { text: " buy oat milk " })).body);
    expect(renamed).toMatchObject({ text: "buy oat milk", done: true, version: 3 });
    expect(Date.parse(renamed.updatedAt)).toBeGreaterThanOrEqual(Date.parse(renamed.createdAt));

    expect((await c.delete(`/api/todos/${a.id}`)).status).toBe(204);
    expect((await c.delete(`/api/todos/${a.id}`)).status).toBe(404);
    expect((await listOf(c)).todos.map((x) => x.id)).toEqual([b.id]);

    const names = eventsOf(userId).map((e) => [e.meta.eventName, e.meta.seq]);
    expect(names).toEqual([["create", 1], ["create", 2], ["update", 3], ["update", 4], ["delete", 5]]);
    const del = eventsOf(userId).at(-1);
    expect(del?.object).toEqual({ id: a.id, userId, device: "device-aaaa-1", objectType: "objects.todos" });
  });

  it("a no-op patch changes nothing and produces no event", async () => {
    const { c, userId } = await signedIn();
    const a = todoOf((await c.post("/api/todos", { text: "same" })).body);
    const res = await c.patch(`/api/todos/${a.id}`, { text: "same", done: false });
    expect(todoOf(res.body).version).toBe(1);
    expect(eventsOf(userId)).toHaveLength(1);
  });

  it("a create with a client id is idempotent: same id again → 200, same todo, no second event", async () => {
    const { c, userId } = await signedIn();
    const id = randomUUID();
    const first = await c.post("/api/todos", { id, text: "once" });
    const again = await c.post("/api/todos", { id, text: "once" });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(todoOf(again.body)).toEqual(todoOf(first.body));
    expect(eventsOf(userId)).toHaveLength(1);
    expect((await listOf(c)).seq).toBe(1);
  });

  it("a create may start the todo done (how the web app undoes a delete), in one change and one event", async () => {
    const { c, userId } = await signedIn();
    const res = await c.post("/api/todos", { id: randomUUID(), text: "restored", done: true });
    expect(res.status).toBe(201);
    const todo = todoOf(res.body);
    expect(todo).toMatchObject({ text: "restored", done: true, version: 1 });
    expect(eventsOf(userId)).toEqual([expect.objectContaining({ meta: expect.objectContaining({ eventName: "create" }), object: todo })]);
    expect((await c.post("/api/todos", { text: "x", done: "yes" })).status).toBe(400);
  });

  it("an id already used by another user → 409 id_taken, revealing nothing", async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    const id = randomUUID();
    await alice.c.post("/api/todos", { id, text: "alice's secret" });
    const res = await bob.c.post("/api/todos", { id, text: "bob" });
    expect(res.status).toBe(409);
    expect(errorCode(res.body)).toBe("id_taken");
    expect(JSON.stringify(res.body)).not.toContain("alice");
    expect((await listOf(bob.c)).todos).toEqual([]);
  });

  it("toggle-all and clear completed make one event per changed todo", async () => {
    const { c, userId } = await signedIn();
    const ids: string[] = [];
    for (const text of ["a", "b", "c"]) ids.push(todoOf((await c.post("/api/todos", { text })).body).id);
    await c.patch(`/api/todos/${ids[1]}`, { done: true });
    const toggled = await c.post<{ todos: Todo[]; seq: number }>("/api/todos/toggle-all", { done: true });
    expect(toggled.status).toBe(200);
    expect(toggled.body.todos.map((x) => x.id)).toEqual([ids[0], ids[2]]);
    expect(toggled.body.seq).toBe(6);

    const cleared = await c.delete<{ deleted: string[]; seq: number }>("/api/todos?done=true");
    expect(cleared.status).toBe(200);
    expect(cleared.body.deleted).toEqual(ids);
    expect(cleared.body.seq).toBe(9);
    expect((await listOf(c)).todos).toEqual([]);
    expect(eventsOf(userId).map((e) => e.meta.eventName)).toEqual([
      "create", "create", "create", "update", "update", "update", "delete", "delete", "delete",
    ]);
    // Nothing left to change: no events.
    await c.post("/api/todos/toggle-all", { done: false });
    await c.delete("/api/todos?done=true");
    expect(eventsOf(userId)).toHaveLength(9);
  });
});

describe("seq", () => {
  it("grows by exactly one per change, per user, with no gaps under concurrent writes", async () => {
    const { c, userId } = await signedIn();
    const other = await signedIn();
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => c.post("/api/todos", { text: `t${i}` })),
      ...Array.from({ length: 5 }, (_, i) => other.c.post("/api/todos", { text: `o${i}` })),
    ]);
    const seqs = eventsOf(userId).map((e) => e.meta.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await listOf(c)).seq).toBe(20);
    expect((await listOf(other.c)).seq).toBe(5);
  });
});

describe("isolation", () => {
  it("another user's todo is invisible: 404 on patch and delete, absent from the list", async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    const a = todoOf((await alice.c.post("/api/todos", { text: "private" })).body);
    expect((await bob.c.patch(`/api/todos/${a.id}`, { done: true })).status).toBe(404);
    expect((await bob.c.delete(`/api/todos/${a.id}`)).status).toBe(404);
    expect((await listOf(bob.c)).todos).toEqual([]);
    await bob.c.post("/api/todos/toggle-all", { done: true });
    await bob.c.delete("/api/todos?done=true");
    expect(todoOf((await alice.c.patch(`/api/todos/${a.id}`, { text: "private" })).body)).toMatchObject({ done: false, version: 1 });
  });

  it("signed-out requests get 401", async () => {
    const anon = t.client();
    for (const [method, path] of [["GET", "/api/todos"], ["POST", "/api/todos"], ["DELETE", "/api/todos?done=true"]] as const) {
      expect((await anon.request(method, path, method === "POST" ? { json: { text: "x" } } : {})).status).toBe(401);
    }
  });
});

describe("bad input changes nothing", () => {
  it.each([
    ["empty text", { text: "   " }],
    ["text over 1000 characters", { text: "x".repeat(1001) }],
    ["a non-string text", { text: 42 }],
    ["an operator object", { text: { $gt: "" } }],
    ["mass assignment of userId", { text: "x", userId: "someone" }],
    ["mass assignment of version", { text: "x", version: 99 }],
    ["a malformed client id", { text: "x", id: "not-a-uuid" }],
  ])("POST with %s → 400", async (_name, body) => {
    const { c, userId } = await signedIn();
    const res = await c.post("/api/todos", body);
    expect(res.status).toBe(400);
    expect(errorCode(res.body)).toBe("validation_failed");
    expect((await listOf(c)).todos).toEqual([]);
    expect(eventsOf(userId)).toEqual([]);
  });

  it("PATCH refuses unknown fields, empty patches, bad types; malformed ids are 404", async () => {
    const { c } = await signedIn();
    const a = todoOf((await c.post("/api/todos", { text: "keep" })).body);
    for (const body of [{}, { done: "yes" }, { createdAt: "2020-01-01T00:00:00.000Z" }, { text: "" }, { text: ["a"] }]) {
      expect((await c.patch(`/api/todos/${a.id}`, body)).status).toBe(400);
    }
    expect((await c.patch("/api/todos/not-a-uuid", { done: true })).status).toBe(404);
    expect((await c.delete("/api/todos/%24where")).status).toBe(404);
    expect((await listOf(c)).todos).toEqual([a]);
  });

  it("refuses a bad device id header, a DELETE without done=true, and oversized bodies", async () => {
    const { c } = await signedIn();
    const bad = await c.request("POST", "/api/todos", { json: { text: "x" }, headers: { "x-device-id": "bad id!" } });
    expect(bad.status).toBe(400);
    expect((await c.delete("/api/todos")).status).toBe(400);
    expect((await c.delete("/api/todos?done=false")).status).toBe(400);
    expect((await c.delete("/api/todos?done[$ne]=x")).status).toBe(400);
    const big = await c.post("/api/todos", { text: "x".repeat(17 * 1024) });
    expect(big.status).toBe(413);
    const notJson = await c.request("POST", "/api/todos", { body: "text=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(notJson.status).toBe(415);
    expect((await listOf(c)).todos).toEqual([]);
  });
});

describe("healthz", () => {
  it("reports the database kind", async () => {
    const res = await t.client().get("/healthz");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ok", db: "sqlite" });
  });
});
