import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorBody, TodoListResponse, TodoResponse, WRITE_USER_HEADER, type ChangeEvent, type Todo } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";
import type { ApiClient } from "../../test/ApiClient.js";

let t: TestServer;
const events: ChangeEvent[] = [];
beforeAll(async () => {
  t = await startTestServer();
  t.server.feed.subscribe((e) => events.push(e));
});
afterAll(() => t.close());

async function signedIn(): Promise<{ c: ApiClient; userId: string }> {
  const c = t.client({ deviceId: "device-idem-1" });
  const user = await c.signup(uniqueEmail());
  return { c, userId: user.id };
}

const todoOf = (body: unknown): Todo => TodoResponse.parse(body).todo;
const errorOf = (body: unknown) => ErrorBody.parse(body).error;
const eventsOf = (userId: string) => events.filter((e) => e.meta.userId === userId);
const keyed = (key: string, extra: Record<string, string> = {}) => ({ headers: { "idempotency-key": key, ...extra } });

describe("Idempotency-Key", () => {
  it("applies every kind of write once, however often it is sent, and answers each repeat as the first", async () => {
    const { c, userId } = await signedIn();
    const a = todoOf((await c.post("/api/todos", { text: "a" })).body);
    const b = todoOf((await c.post("/api/todos", { text: "b" })).body);

    const writes: Array<[string, string, unknown]> = [
      ["PATCH", `/api/todos/${a.id}`, { text: "a2" }],
      ["PATCH", `/api/todos/${a.id}`, { done: true }],
      ["POST", "/api/todos/toggle-all", { done: true }],
      ["DELETE", "/api/todos?done=true", undefined],
      ["POST", "/api/todos", { text: "c" }],
    ];
    for (const [method, path, json] of writes) {
      const key = randomUUID();
      const first = await c.request(method, path, { ...(json === undefined ? {} : { json }), ...keyed(key) });
      expect(first.status).toBeLessThan(300);
      const before = eventsOf(userId).length;
      // A repeat, and two at once: the same answer, nothing written.
      const repeats = await Promise.all([1, 2, 3].map(() => c.request(method, path, { ...(json === undefined ? {} : { json }), ...keyed(key) })));
      for (const repeat of repeats) {
        expect(repeat.status).toBe(first.status);
        expect(repeat.body).toEqual(first.body);
        expect(repeat.headers.get("idempotent-replayed")).toBe("true");
      }
      expect(eventsOf(userId)).toHaveLength(before);
    }
    const list = TodoListResponse.parse((await c.get("/api/todos")).body);
    // a and b were completed by toggle-all and cleared; only c is left, once.
    expect(list.todos.map((x) => x.text)).toEqual(["c"]);
    expect(list.todos.some((x) => x.id === b.id)).toBe(false);
  });

  it("keeps only a user's newest IDEMPOTENCY_KEYS_MAX_PER_USER answers: a repeat of an older one runs again", async () => {
    const small = await startTestServer({ IDEMPOTENCY_KEYS_MAX_PER_USER: "2" });
    try {
      const c = small.client({ deviceId: "device-idem-cap" });
      await c.signup(uniqueEmail());
      const keys = [randomUUID(), randomUUID(), randomUUID()];
      for (const [i, key] of keys.entries()) expect((await c.request("POST", "/api/todos", { json: { text: `t${i}` }, ...keyed(key) })).status).toBe(201);
      const newest = await c.request("POST", "/api/todos", { json: { text: "t2" }, ...keyed(keys[2]!) });
      expect(newest.headers.get("idempotent-replayed")).toBe("true");
      // The oldest answer was forgotten when the third was kept: its repeat is a new write.
      const oldest = await c.request("POST", "/api/todos", { json: { text: "t0" }, ...keyed(keys[0]!) });
      expect(oldest.status).toBe(201);
      expect(oldest.headers.get("idempotent-replayed")).toBeNull();
      expect(TodoListResponse.parse((await c.get("/api/todos")).body).todos.map((x) => x.text)).toEqual(["t0", "t1", "t2", "t0"]);
    } finally {
      await small.close();
    }
  });

  it("a delete's repeat is answered 204 again, not 404", async () => {
    const { c } = await signedIn();
    const a = todoOf((await c.post("/api/todos", { text: "gone" })).body);
    const key = randomUUID();
    expect((await c.request("DELETE", `/api/todos/${a.id}`, keyed(key))).status).toBe(204);
    expect((await c.request("DELETE", `/api/todos/${a.id}`, keyed(key))).status).toBe(204);
    expect((await c.request("DELETE", `/api/todos/${a.id}`, keyed(randomUUID()))).status).toBe(404);
  });

  it("refuses a key reused for another request (422) and keeps keys per user", async () => {
    const { c } = await signedIn();
    const other = await signedIn();
    const key = randomUUID();
    expect((await c.request("POST", "/api/todos", { json: { text: "one" }, ...keyed(key) })).status).toBe(201);
    const reused = await c.request("POST", "/api/todos", { json: { text: "two" }, ...keyed(key) });
    expect(reused.status).toBe(422);
    expect(errorOf(reused.body)).toMatchObject({ code: "idempotency_key_reused", message: expect.stringContaining("different request") });
    // The same key is another user's own.
    expect((await other.c.request("POST", "/api/todos", { json: { text: "theirs" }, ...keyed(key) })).status).toBe(201);
    expect(TodoListResponse.parse((await c.get("/api/todos")).body).todos.map((x) => x.text)).toEqual(["one"]);
  });

  it("forgets a write that failed, so its repeat runs again", async () => {
    const { c } = await signedIn();
    const key = randomUUID();
    const id = randomUUID();
    expect((await c.request("PATCH", `/api/todos/${id}`, { json: { text: "x" }, ...keyed(key) })).status).toBe(404);
    // Created meanwhile (by this client's queue), the same update now applies.
    await c.post("/api/todos", { id, text: "made" });
    const again = await c.request("PATCH", `/api/todos/${id}`, { json: { text: "x" }, ...keyed(key) });
    expect(again.status).toBe(200);
    expect(todoOf(again.body).text).toBe("x");
  });

  it("refuses a malformed key with 400 and writes nothing", async () => {
    const { c, userId } = await signedIn();
    const res = await c.request("POST", "/api/todos", { json: { text: "x" }, ...keyed("short") });
    expect(res.status).toBe(400);
    expect(errorOf(res.body)).toMatchObject({ code: "validation_failed", details: [{ path: "Idempotency-Key" }] });
    expect(eventsOf(userId)).toHaveLength(0);
  });
});

describe("If-Match (the version a change is based on)", () => {
  it("applies a change based on the current version and refuses one based on an older one with 409 and the current todo", async () => {
    const { c, userId } = await signedIn();
    const a = todoOf((await c.post("/api/todos", { text: "v1" })).body);
    const v2 = await c.request("PATCH", `/api/todos/${a.id}`, { json: { text: "v2" }, headers: { "if-match": '"1"' } });
    expect(todoOf(v2.body)).toMatchObject({ text: "v2", version: 2 });

    const stale = await c.request("PATCH", `/api/todos/${a.id}`, { json: { text: "mine" }, headers: { "if-match": '"1"' } });
    expect(stale.status).toBe(409);
    expect(errorOf(stale.body)).toMatchObject({ code: "conflict", current: { id: a.id, text: "v2", version: 2 } });
    const staleDelete = await c.request("DELETE", `/api/todos/${a.id}`, { headers: { "if-match": "1" } });
    expect(staleDelete.status).toBe(409);
    expect(eventsOf(userId)).toHaveLength(2);

    // Without a base, the later write wins, as before.
    expect(todoOf((await c.patch(`/api/todos/${a.id}`, { text: "last" })).body).version).toBe(3);
    expect((await c.request("DELETE", `/api/todos/${a.id}`, { headers: { "if-match": '"3"' } })).status).toBe(204);
    // A deleted todo is not found, base or not.
    expect((await c.request("PATCH", `/api/todos/${a.id}`, { json: { done: true }, headers: { "if-match": '"3"' } })).status).toBe(404);
  });

  it("refuses an If-Match that is not a version with 400", async () => {
    const { c } = await signedIn();
    const a = todoOf((await c.post("/api/todos", { text: "x" })).body);
    const res = await c.request("PATCH", `/api/todos/${a.id}`, { json: { done: true }, headers: { "if-match": "*" } });
    expect(res.status).toBe(400);
    expect(errorOf(res.body).code).toBe("validation_failed");
  });

  it("a conflict is not kept under its key, and overwriting knowingly is a new request", async () => {
    const { c } = await signedIn();
    const a = todoOf((await c.post("/api/todos", { text: "v1" })).body);
    await c.patch(`/api/todos/${a.id}`, { text: "v2" });
    const key = randomUUID();
    expect((await c.request("PATCH", `/api/todos/${a.id}`, { json: { text: "mine" }, ...keyed(key, { "if-match": '"1"' }) })).status).toBe(409);
    // The conflict wrote nothing and was not kept: the same request is decided afresh (still a conflict)...
    expect((await c.request("PATCH", `/api/todos/${a.id}`, { json: { text: "mine" }, ...keyed(key, { "if-match": '"1"' }) })).status).toBe(409);
    // ...and overwriting knowingly is a new request, with a new key, based on the version now.
    const over = await c.request("PATCH", `/api/todos/${a.id}`, { json: { text: "mine" }, ...keyed(randomUUID(), { "if-match": '"2"' }) });
    expect(todoOf(over.body)).toMatchObject({ text: "mine", version: 3 });
  });
});

const texts = async (c: ApiClient) => TodoListResponse.parse((await c.get("/api/todos")).body).todos.map((todo) => [todo.text, todo.done]);

describe("Tandem-User: the account a write was made as", () => {
  it("refuses every kind of write made as another account (401), writes nothing and leaves its key unclaimed", async () => {
    const ada = await signedIn();
    const bob = await signedIn();
    const bobs = TodoResponse.parse((await bob.c.post("/api/todos", { text: "bob's" })).body).todo;
    const before = events.length;

    const writes: Array<[string, string, unknown]> = [
      ["POST", "/api/todos", { text: "ada's, queued before bob signed in here" }],
      ["PATCH", `/api/todos/${bobs.id}`, { done: true }],
      ["POST", "/api/todos/toggle-all", { done: true }],
      ["DELETE", "/api/todos?done=true", undefined],
      ["DELETE", `/api/todos/${bobs.id}`, undefined],
    ];
    for (const [method, path, json] of writes) {
      const key = randomUUID();
      const headers = { "idempotency-key": key, [WRITE_USER_HEADER]: ada.userId };
      // Bob's session, Ada's write: what a tab of Ada's would send after Bob signed in elsewhere in the browser.
      const refused = await bob.c.request(method, path, { ...(json === undefined ? {} : { json }), headers });
      expect(refused.status).toBe(401);
      expect(ErrorBody.parse(refused.body).error).toMatchObject({ code: "unauthorized", message: expect.stringContaining("another account") });
      // The key was not claimed: Bob may still use it for a write of his own.
      if (method === "POST" && path === "/api/todos") {
        const own = await bob.c.request(method, path, { json: { text: "bob's second" }, headers: { "idempotency-key": key, [WRITE_USER_HEADER]: bob.userId } });
        expect(own.status).toBe(201);
      }
    }
    expect(await texts(bob.c)).toEqual([
      ["bob's", false],
      ["bob's second", false],
    ]);
    expect(await texts(ada.c)).toEqual([]);
    // Only Bob's own second todo made an event.
    expect(events.slice(before).map((e) => e.meta.eventName)).toEqual(["create"]);
  });

  it("lets a write made as the session's own account through, with or without the header", async () => {
    const ada = await signedIn();
    expect((await ada.c.request("POST", "/api/todos", { json: { text: "named" }, headers: { [WRITE_USER_HEADER]: ada.userId } })).status).toBe(201);
    expect((await ada.c.post("/api/todos", { text: "unnamed" })).status).toBe(201);
    expect(await texts(ada.c)).toEqual([
      ["named", false],
      ["unnamed", false],
    ]);
  });
});
