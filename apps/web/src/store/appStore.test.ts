import { describe, expect, it } from "vitest";
import { deleteEvent, makeTodo, upsertEvent } from "../testing/fixtures";
import { createAppStore } from "./appStore";

function storeWith(...todos: ReturnType<typeof makeTodo>[]) {
  const store = createAppStore();
  store.getState().signedIn({ id: "user-1", email: "ada@example.com" });
  store.getState().loadSnapshot(todos, 0);
  return store;
}

const texts = (store: ReturnType<typeof createAppStore>) => store.getState().todos.map((row) => row.text);

describe("session slice", () => {
  it("tracks who is signed in", () => {
    const store = createAppStore();
    expect(store.getState().sessionStatus).toBe("unknown");
    store.getState().signedIn({ id: "u1", email: "ada@example.com" });
    expect(store.getState()).toMatchObject({ sessionStatus: "signedIn", user: { email: "ada@example.com" } });
    store.getState().signedOut();
    expect(store.getState()).toMatchObject({ sessionStatus: "signedOut", user: null });
  });
});

describe("connection slice", () => {
  it("records status and last sync time", () => {
    const store = createAppStore();
    store.getState().setConnectionStatus("live");
    store.getState().markSynced(1234);
    expect(store.getState()).toMatchObject({ connectionStatus: "live", lastSyncAt: 1234 });
  });
});

describe("notices slice", () => {
  it("adds, caps and dismisses notices", () => {
    const store = createAppStore();
    for (let i = 0; i < 6; i++) store.getState().notify(`n${i}`);
    const notices = store.getState().notices;
    expect(notices.map((n) => n.message)).toEqual(["n2", "n3", "n4", "n5"]);
    store.getState().dismissNotice(notices[0]?.id ?? -1);
    expect(store.getState().notices.map((n) => n.message)).toEqual(["n3", "n4", "n5"]);
  });
});

describe("todos slice: optimistic writes", () => {
  it("shows a new todo at once (trimmed), queued as a create with a client id", () => {
    const store = storeWith(makeTodo({ text: "milk" }));
    expect(store.getState().addTodo("  eggs  ")).toBe(true);
    expect(texts(store)).toEqual(["milk", "eggs"]);
    const [write] = store.getState().pending;
    expect(write).toMatchObject({ kind: "create", text: "eggs" });
    expect(store.getState().todos[1]).toMatchObject({ id: write?.kind === "create" ? write.id : "", pending: true });
  });

  it("ignores empty text and refuses over-long text with a notice", () => {
    const store = storeWith();
    expect(store.getState().addTodo("   ")).toBe(false);
    expect(store.getState().addTodo("x".repeat(1001))).toBe(false);
    expect(store.getState().pending).toEqual([]);
    expect(store.getState().notices).toHaveLength(2);
  });

  it("edits with trimmed text, deletes on empty text, and skips unchanged text", () => {
    const milk = makeTodo({ text: "milk" });
    const store = storeWith(milk);
    store.getState().editTodo(milk.id, "milk  ");
    expect(store.getState().pending).toEqual([]);
    store.getState().editTodo(milk.id, " oat milk ");
    expect(texts(store)).toEqual(["oat milk"]);
    store.getState().editTodo(milk.id, "   ");
    expect(texts(store)).toEqual([]);
    expect(store.getState().pending.map((w) => w.kind)).toEqual(["update", "delete"]);
  });

  it("toggles one, toggles all and clears completed, only when something changes", () => {
    const a = makeTodo({ text: "a" });
    const b = makeTodo({ text: "b", done: true });
    const store = storeWith(a, b);
    store.getState().toggleTodo(b.id, true);
    expect(store.getState().pending).toEqual([]);
    store.getState().toggleTodo(a.id, true);
    store.getState().toggleAll(true);
    expect(store.getState().pending).toHaveLength(1);
    store.getState().toggleAll(false);
    expect(store.getState().todos.map((t) => t.done)).toEqual([false, false]);
    store.getState().clearCompleted();
    expect(store.getState().pending).toHaveLength(2);
    store.getState().toggleTodo(a.id, true);
    store.getState().clearCompleted();
    expect(texts(store)).toEqual(["b"]);
  });

  it("reconciles a confirmed write from the server's answer, version and all", () => {
    const store = storeWith();
    store.getState().addTodo("eggs");
    const write = store.getState().pending[0];
    if (write?.kind !== "create") throw new Error("expected a create");
    const saved = makeTodo({ id: write.id, text: "eggs", version: 1 });
    store.getState().writeSucceeded(write.writeId, { kind: "saved", todos: [saved] });
    expect(store.getState().pending).toEqual([]);
    expect(store.getState().todos).toEqual([{ id: saved.id, text: "eggs", done: false, pending: false }]);
    expect(store.getState().confirmed.byId[saved.id]).toEqual(saved);
  });

  it("rolls back exactly the failed write, keeps the others, and says why", () => {
    const milk = makeTodo({ text: "milk" });
    const store = storeWith(milk);
    store.getState().editTodo(milk.id, "oat milk");
    store.getState().addTodo("eggs");
    const [rename] = store.getState().pending;
    store.getState().writeFailed(rename?.writeId ?? "", "text must not be empty");
    expect(texts(store)).toEqual(["milk", "eggs"]);
    expect(store.getState().notices.at(-1)?.message).toBe(
      "Couldn't rename a todo to “oat milk”: text must not be empty",
    );
  });

  it("drops later edits of a todo whose create failed", () => {
    const store = storeWith();
    store.getState().addTodo("eggs");
    const create = store.getState().pending[0];
    if (create?.kind !== "create") throw new Error("expected a create");
    store.getState().toggleTodo(create.id, true);
    store.getState().addTodo("bread");
    store.getState().writeFailed(create.writeId, "id is taken");
    expect(store.getState().pending.map((w) => w.kind)).toEqual(["create"]);
    expect(texts(store)).toEqual(["bread"]);
  });

  it("ignores answers for writes it no longer holds (after a reset)", () => {
    const store = storeWith();
    store.getState().addTodo("eggs");
    const write = store.getState().pending[0];
    store.getState().resetTodos();
    store.getState().writeSucceeded(write?.writeId ?? "", { kind: "saved", todos: [makeTodo()] });
    expect(store.getState().todos).toEqual([]);
    expect(store.getState().todosLoaded).toBe(false);
  });
});

describe("todos slice: changes from other devices", () => {
  it("applies creates, updates and deletes idempotently by id and version", () => {
    const store = storeWith();
    const todo = makeTodo({ text: "v1" });
    store.getState().applyChange(upsertEvent(todo, 1, "create"));
    store.getState().applyChange(upsertEvent(todo, 1, "create"));
    expect(texts(store)).toEqual(["v1"]);
    store.getState().applyChange(upsertEvent({ ...todo, text: "v3", version: 3 }, 3));
    store.getState().applyChange(upsertEvent({ ...todo, text: "v2", version: 2 }, 2));
    expect(texts(store)).toEqual(["v3"]);
    store.getState().applyChange(deleteEvent(todo.id, 4));
    store.getState().applyChange(upsertEvent({ ...todo, text: "v5", version: 5 }, 5));
    expect(texts(store)).toEqual([]);
  });

  it("keeps the user's pending edit on top of a remote change until it is confirmed", () => {
    const milk = makeTodo({ text: "milk" });
    const store = storeWith(milk);
    store.getState().toggleTodo(milk.id, true);
    store.getState().applyChange(upsertEvent({ ...milk, text: "whole milk", version: 2 }, 1));
    expect(store.getState().todos).toEqual([{ id: milk.id, text: "whole milk", done: true, pending: true }]);
  });

  it("a remote delete removes a todo even while an edit of it is pending", () => {
    const milk = makeTodo();
    const store = storeWith(milk);
    store.getState().editTodo(milk.id, "oat milk");
    store.getState().applyChange(deleteEvent(milk.id, 1));
    expect(store.getState().todos).toEqual([]);
  });
});
