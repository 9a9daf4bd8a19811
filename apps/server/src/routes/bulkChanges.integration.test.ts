import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClearCompletedResponse, TODO_TEXT_MAX, TodoListResponse, ToggleAllResponse, type ChangeEvent } from "@tandem/protocol";
import { fillTodos } from "../../test/fillTodos.js";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";

/**
 * A bulk change over a list at the cap must leave the server free to answer others while it runs:
 * the order of the answers shows it, without timing anything. Before bulk changes were committed
 * a slice at a time, a toggle-all over 5,000 todos held the event loop until its answer was out.
 */
const CAP = 5000;
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ TODOS_MAX_PER_USER: String(CAP) });
});
afterAll(() => t.close());

async function fullUser(done: boolean) {
  const c = t.client();
  const user = await c.signup(uniqueEmail());
  const seq = await fillTodos(t.store.todos, user.id, CAP, "x".repeat(TODO_TEXT_MAX), done);
  return { c, userId: user.id, seq };
}

/**
 * Sends the bulk change; when its first event is published, sends `/healthz`. Resolves with the
 * order in which their answers began, the bulk change's answer, and the user's events meanwhile.
 */
async function bulkWithHealthz(userId: string, cookie: string | undefined, method: string, path: string, body?: unknown) {
  const order: string[] = [];
  const events: ChangeEvent[] = [];
  let healthz: Promise<number> | undefined;
  const unsubscribe = t.server.feed.subscribe((event) => {
    if (event.meta.userId !== userId) return;
    events.push(event);
    healthz ??= fetch(`${t.url}/healthz`).then((res) => {
      order.push("healthz");
      return res.status;
    });
  });
  try {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: { cookie: cookie ?? "", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    order.push(path);
    const answer: unknown = await res.json();
    expect(await healthz).toBe(200);
    return { order, status: res.status, answer, events };
  } finally {
    unsubscribe();
  }
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe("bulk changes at the cap", () => {
  it("toggle-all over 5,000 todos lets a /healthz sent meanwhile be answered first, and publishes every event once, in seq order", async () => {
    const { c, userId, seq } = await fullUser(false);
    const { order, status, answer, events } = await bulkWithHealthz(userId, c.cookie, "POST", "/api/todos/toggle-all", { done: true });
    expect(order).toEqual(["healthz", "/api/todos/toggle-all"]);
    expect(status).toBe(200);
    const toggled = ToggleAllResponse.parse(answer);
    expect(toggled.todos).toHaveLength(CAP);
    expect(toggled.seq).toBe(seq + CAP);
    expect(events.map((e) => e.meta.seq)).toEqual(range(seq + 1, CAP));
    expect(events.map((e) => e.object.id)).toEqual(toggled.todos.map((todo) => todo.id));
    const list = TodoListResponse.parse((await c.get("/api/todos")).body);
    expect(list.seq).toBe(seq + CAP);
    expect(list.todos.map((todo) => todo.id)).toEqual(toggled.todos.map((todo) => todo.id));
    expect(list.todos.every((todo) => todo.done && todo.version === 2)).toBe(true);
  });

  it("clear-completed over 5,000 todos lets a /healthz sent meanwhile be answered first, and publishes every event once, in seq order", async () => {
    const { c, userId, seq } = await fullUser(true);
    const before = TodoListResponse.parse((await c.get("/api/todos")).body).todos.map((todo) => todo.id);
    const { order, status, answer, events } = await bulkWithHealthz(userId, c.cookie, "DELETE", "/api/todos?done=true");
    expect(order).toEqual(["healthz", "/api/todos?done=true"]);
    expect(status).toBe(200);
    const cleared = ClearCompletedResponse.parse(answer);
    expect(cleared.deleted).toEqual(before);
    expect(cleared.seq).toBe(seq + CAP);
    expect(events.map((e) => e.meta.seq)).toEqual(range(seq + 1, CAP));
    expect(events.every((e) => e.meta.eventName === "delete")).toBe(true);
    expect(TodoListResponse.parse((await c.get("/api/todos")).body)).toEqual({ todos: [], seq: seq + CAP });
  });
});
