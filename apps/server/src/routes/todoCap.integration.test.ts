import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorBody, TodoListResponse, TodoResponse, type ChangeEvent } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";

const CAP = 3;
let t: TestServer;
const events: ChangeEvent[] = [];
beforeAll(async () => {
  t = await startTestServer({ TODOS_MAX_PER_USER: String(CAP) });
  t.server.feed.subscribe((e) => events.push(e));
});
afterAll(() => t.close());

async function signedIn() {
  const c = t.client();
  const user = await c.signup(uniqueEmail());
  return { c, userId: user.id };
}

const listOf = async (c: Awaited<ReturnType<typeof signedIn>>["c"]) => TodoListResponse.parse((await c.get("/api/todos")).body);

describe("TODOS_MAX_PER_USER", () => {
  it("refuses a create over the cap with 409 limit_reached, saying the cap, and changes nothing", async () => {
    const { c, userId } = await signedIn();
    for (let i = 0; i < CAP; i++) expect((await c.post("/api/todos", { text: `t${i}` })).status).toBe(201);
    const over = await c.post("/api/todos", { text: "one too many" });
    expect(over.status).toBe(409);
    const { error } = ErrorBody.parse(over.body);
    expect(error.code).toBe("limit_reached");
    expect(error.message).toContain(String(CAP));
    const list = await listOf(c);
    expect(list.todos.map((todo) => todo.text)).toEqual(["t0", "t1", "t2"]);
    expect(list.seq).toBe(CAP);
    expect(events.filter((e) => e.meta.userId === userId)).toHaveLength(CAP);
  });

  it("still answers a repeated create at the cap, and makes room when a todo goes", async () => {
    const { c } = await signedIn();
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) await c.post("/api/todos", { id, text: "x" });
    const again = await c.post("/api/todos", { id: ids[0], text: "x" });
    expect(again.status).toBe(200);
    expect(TodoResponse.parse(again.body).todo.id).toBe(ids[0]);

    expect((await c.delete(`/api/todos/${ids[1]}`)).status).toBe(204);
    expect((await c.post("/api/todos", { text: "room again" })).status).toBe(201);
    expect((await c.post("/api/todos", { text: "full again" })).status).toBe(409);
  });

  it("counts each user's todos alone", async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    for (let i = 0; i < CAP; i++) await alice.c.post("/api/todos", { text: `a${i}` });
    expect((await bob.c.post("/api/todos", { text: "bob's first" })).status).toBe(201);
  });

  it("holds under concurrent creates: exactly the cap's worth succeed", async () => {
    const { c } = await signedIn();
    const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => c.post("/api/todos", { text: `race ${i}` }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 201)).toHaveLength(CAP);
    expect(statuses.filter((s) => s === 409)).toHaveLength(10 - CAP);
    expect((await listOf(c)).todos).toHaveLength(CAP);
  });
});
