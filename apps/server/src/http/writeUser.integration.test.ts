import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorBody, TodoListResponse, TodoResponse, WRITE_USER_HEADER, type ChangeEvent } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";

let t: TestServer;
const events: ChangeEvent[] = [];
beforeAll(async () => {
  t = await startTestServer();
  t.server.feed.subscribe((e) => events.push(e));
});
afterAll(() => t.close());

async function account() {
  const c = t.client({ deviceId: "device-write-user" });
  const user = await c.signup(uniqueEmail());
  return { c, id: user.id };
}

const texts = async (c: Awaited<ReturnType<typeof account>>["c"]) => TodoListResponse.parse((await c.get("/api/todos")).body).todos.map((todo) => [todo.text, todo.done]);

describe("Tandem-User: the account a write was made as", () => {
  it("refuses every kind of write made as another account (401), writes nothing and leaves its key unclaimed", async () => {
    const ada = await account();
    const bob = await account();
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
      const headers = { "idempotency-key": key, [WRITE_USER_HEADER]: ada.id };
      // Bob's session, Ada's write: what a tab of Ada's would send after Bob signed in elsewhere in the browser.
      const refused = await bob.c.request(method, path, { ...(json === undefined ? {} : { json }), headers });
      expect(refused.status).toBe(401);
      expect(ErrorBody.parse(refused.body).error).toMatchObject({ code: "unauthorized", message: expect.stringContaining("another account") });
      // The key was not claimed: Bob may still use it for a write of his own.
      if (method === "POST" && path === "/api/todos") {
        const own = await bob.c.request(method, path, { json: { text: "bob's second" }, headers: { "idempotency-key": key, [WRITE_USER_HEADER]: bob.id } });
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
    const ada = await account();
    expect((await ada.c.request("POST", "/api/todos", { json: { text: "named" }, headers: { [WRITE_USER_HEADER]: ada.id } })).status).toBe(201);
    expect((await ada.c.post("/api/todos", { text: "unnamed" })).status).toBe(201);
    expect(await texts(ada.c)).toEqual([
      ["named", false],
      ["unnamed", false],
    ]);
  });
});
