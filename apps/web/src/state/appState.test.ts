import { describe, expect, it } from "vitest";
import { deleteEvent, makeTodo, upsertEvent } from "../testing/fixtures";
import { createAppState } from "./appState";

function stateWith(...todos: ReturnType<typeof makeTodo>[]) {
  const appState = createAppState();
  appState.getState().signedIn({ id: "user-1", email: "ada@example.com" });
  appState.getState().loadSnapshot(todos, 0);
  return appState;
}

const texts = (appState: ReturnType<typeof createAppState>) => appState.getState().todos.map((item) => item.text);

describe("auth slice", () => {
  it("tracks who is signed in", () => {
    const appState = createAppState();
    expect(appState.getState().authStatus).toBe("unknown");
    appState.getState().signedIn({ id: "u1", email: "ada@example.com" });
    expect(appState.getState()).toMatchObject({ authStatus: "signedIn", user: { email: "ada@example.com" } });
    appState.getState().signedOut();
    expect(appState.getState()).toMatchObject({ authStatus: "signedOut", user: null });
  });
});

describe("connection slice", () => {
  it("records status and last sync time", () => {
    const appState = createAppState();
    appState.getState().connectionChanged("reconnecting", 1000);
    expect(appState.getState()).toMatchObject({ connectionStatus: "reconnecting", lastSyncAt: null });
    appState.getState().connectionChanged("live", 1100);
    expect(appState.getState()).toMatchObject({ connectionStatus: "live", lastSyncAt: 1100 });
    appState.getState().markSynced(1234);
    expect(appState.getState()).toMatchObject({ connectionStatus: "live", lastSyncAt: 1234 });
    appState.getState().connectionChanged("offline", 2000);
    expect(appState.getState()).toMatchObject({ connectionStatus: "offline", lastSyncAt: 1234 });
  });
});

describe("connection slice: outages", () => {
  it("dates an outage from its first lost moment, through reconnecting and offline, until live again", () => {
    const appState = createAppState();
    appState.getState().connectionChanged("connecting", 0);
    expect(appState.getState().outageSince).toBeNull();
    appState.getState().connectionChanged("live", 100);
    appState.getState().connectionChanged("reconnecting", 5000);
    appState.getState().connectionChanged("offline", 9000);
    appState.getState().connectionChanged("reconnecting", 12000);
    expect(appState.getState().outageSince).toBe(5000);
    appState.getState().connectionChanged("live", 20000);
    expect(appState.getState().outageSince).toBeNull();
    appState.getState().connectionChanged("signedOut", 30000);
    expect(appState.getState().outageSince).toBeNull();
  });
});

describe("undo slice", () => {
  it("offers to undo a delete, and the undo adds the todo back with its text and state under a new id", () => {
    const milk = makeTodo({ text: "buy milk", done: true });
    const appState = stateWith(milk, makeTodo({ text: "walk" }));
    appState.getState().deleteTodo(milk.id);
    expect(appState.getState().removal).toMatchObject({ message: "Deleted “buy milk”" });
    appState.getState().undoRemoval();
    expect(appState.getState().removal).toBeNull();
    const restore = appState.getState().pending.at(-1);
    expect(restore).toMatchObject({ kind: "create", text: "buy milk", done: true });
    expect(restore?.kind === "create" && restore.id).not.toBe(milk.id);
    expect(appState.getState().todos.find((item) => item.text === "buy milk")).toMatchObject({ done: true, pending: true });
  });

  it("treats emptying a todo's text as a delete that can be undone", () => {
    const milk = makeTodo({ text: "buy milk" });
    const appState = stateWith(milk);
    appState.getState().editTodo(milk.id, "   ");
    expect(appState.getState().removal?.message).toBe("Deleted “buy milk”");
    appState.getState().undoRemoval();
    expect(texts(appState)).toEqual(["buy milk"]);
  });

  it("undoes a clear-completed: every cleared todo comes back done", () => {
    const appState = stateWith(makeTodo({ text: "a", done: true }), makeTodo({ text: "b" }), makeTodo({ text: "c", done: true }));
    appState.getState().clearCompleted();
    expect(appState.getState().removal?.message).toBe("Cleared 2 completed todos");
    expect(texts(appState)).toEqual(["b"]);
    appState.getState().undoRemoval();
    expect(appState.getState().todos.map(({ text, done }) => ({ text, done }))).toEqual([
      { text: "b", done: false },
      { text: "a", done: true },
      { text: "c", done: true },
    ]);
  });

  it("does not add back a todo whose delete failed and was rolled back", () => {
    const milk = makeTodo({ text: "buy milk" });
    const appState = stateWith(milk);
    appState.getState().deleteTodo(milk.id);
    const [write] = appState.getState().pending;
    if (!write) throw new Error("the delete was not queued");
    appState.getState().writeFailed(write, { code: "not_found", reason: "the server refused" });
    appState.getState().undoRemoval();
    expect(texts(appState)).toEqual(["buy milk"]);
    expect(appState.getState().pending).toEqual([]);
  });

  it("forgets only the removal it was shown for, and everything at sign-out", () => {
    const a = makeTodo({ text: "a" });
    const b = makeTodo({ text: "b" });
    const appState = stateWith(a, b);
    appState.getState().deleteTodo(a.id);
    const first = appState.getState().removal?.id ?? -1;
    appState.getState().deleteTodo(b.id);
    appState.getState().forgetRemoval(first);
    expect(appState.getState().removal?.message).toBe("Deleted “b”");
    appState.getState().resetTodos();
    expect(appState.getState().removal).toBeNull();
  });
});

describe("notices slice", () => {
  it("adds, caps and dismisses notices", () => {
    const appState = createAppState();
    for (let i = 0; i < 6; i++) appState.getState().notify(`n${i}`);
    const notices = appState.getState().notices;
    expect(notices.map((n) => n.message)).toEqual(["n2", "n3", "n4", "n5"]);
    appState.getState().dismissNotice(notices[0]?.id ?? -1);
    expect(appState.getState().notices.map((n) => n.message)).toEqual(["n3", "n4", "n5"]);
  });
});

describe("todos slice: optimistic writes", () => {
  it("shows a new todo at once (trimmed), queued as a create with a client id", () => {
    const appState = stateWith(makeTodo({ text: "milk" }));
    expect(appState.getState().addTodo("  eggs  ")).toBe(true);
    expect(texts(appState)).toEqual(["milk", "eggs"]);
    const [write] = appState.getState().pending;
    expect(write).toMatchObject({ kind: "create", text: "eggs" });
    expect(appState.getState().todos[1]).toMatchObject({ id: write?.kind === "create" ? write.id : "", pending: true });
  });

  it("ignores empty text and refuses over-long text with a notice", () => {
    const appState = stateWith();
    expect(appState.getState().addTodo("   ")).toBe(false);
    expect(appState.getState().addTodo("x".repeat(1001))).toBe(false);
    expect(appState.getState().pending).toEqual([]);
    expect(appState.getState().notices).toHaveLength(2);
  });

  it("refuses, as the server would, text with control characters, half a surrogate pair, or nothing visible", () => {
    const milk = makeTodo({ text: "milk" });
    const appState = stateWith(milk);
    const refusals = [
      ["\u0000milk", "text must not contain control characters (other than tab and newline)"],
      ["half \ud83d", "text must be well-formed Unicode (it has half of a surrogate pair on its own)"],
      ["\u200b\u200d\ufeff", "text must contain something visible, not only invisible characters"],
    ] as const;
    for (const [text, reason] of refusals) {
      expect(appState.getState().addTodo(text)).toBe(false);
      appState.getState().editTodo(milk.id, text);
      expect(appState.getState().notices.slice(-2).map((notice) => notice.message)).toEqual([reason, reason]);
    }
    expect(appState.getState().pending).toEqual([]);
    expect(texts(appState)).toEqual(["milk"]);
    // Tab, newline and emoji are text like any other.
    expect(appState.getState().addTodo("eggs\tand 🥚\nbread")).toBe(true);
    expect(texts(appState)).toEqual(["milk", "eggs\tand 🥚\nbread"]);
  });

  it("edits with trimmed text, deletes on empty text, and skips unchanged text", () => {
    const milk = makeTodo({ text: "milk" });
    const appState = stateWith(milk);
    appState.getState().editTodo(milk.id, "milk  ");
    expect(appState.getState().pending).toEqual([]);
    appState.getState().editTodo(milk.id, " oat milk ");
    expect(texts(appState)).toEqual(["oat milk"]);
    appState.getState().editTodo(milk.id, "   ");
    expect(texts(appState)).toEqual([]);
    expect(appState.getState().pending.map((w) => w.kind)).toEqual(["update", "delete"]);
  });

  it("toggles one, toggles all and clears completed, only when something changes", () => {
    const a = makeTodo({ text: "a" });
    const b = makeTodo({ text: "b", done: true });
    const appState = stateWith(a, b);
    appState.getState().toggleTodo(b.id, true);
    expect(appState.getState().pending).toEqual([]);
    appState.getState().toggleTodo(a.id, true);
    appState.getState().toggleAll(true);
    expect(appState.getState().pending).toHaveLength(1);
    appState.getState().toggleAll(false);
    expect(appState.getState().todos.map((t) => t.done)).toEqual([false, false]);
    appState.getState().clearCompleted();
    expect(appState.getState().pending).toHaveLength(2);
    appState.getState().toggleTodo(a.id, true);
    appState.getState().clearCompleted();
    expect(texts(appState)).toEqual(["b"]);
  });

  it("reconciles a confirmed write from the server's answer, version and all", () => {
    const appState = stateWith();
    appState.getState().addTodo("eggs");
    const write = appState.getState().pending[0];
    if (write?.kind !== "create") throw new Error("expected a create");
    const saved = makeTodo({ id: write.id, text: "eggs", version: 1 });
    appState.getState().writeSucceeded(write.writeId, { kind: "saved", todos: [saved] });
    expect(appState.getState().pending).toEqual([]);
    expect(appState.getState().todos).toEqual([{ id: saved.id, text: "eggs", done: false, pending: false, version: 1 }]);
    expect(appState.getState().confirmed.byId[saved.id]).toEqual(saved);
  });

  it("rolls back exactly the failed write, keeps the others, and says why", () => {
    const milk = makeTodo({ text: "milk" });
    const appState = stateWith(milk);
    appState.getState().editTodo(milk.id, "oat milk");
    appState.getState().addTodo("eggs");
    const [rename] = appState.getState().pending;
    if (rename === undefined) throw new Error("expected a rename");
    appState.getState().writeFailed(rename, { code: "validation_failed", reason: "text must not be empty" });
    expect(appState.getState().failed.map((f) => f.write)).toEqual([rename]);
    expect(texts(appState)).toEqual(["milk", "eggs"]);
    expect(appState.getState().notices.at(-1)?.message).toBe(
      "Couldn't rename a todo to “oat milk”: text must not be empty",
    );
  });

  it("keeps later edits of a todo whose create failed queued behind it, showing neither", () => {
    const appState = stateWith();
    appState.getState().addTodo("eggs");
    const create = appState.getState().pending[0];
    if (create?.kind !== "create") throw new Error("expected a create");
    appState.getState().toggleTodo(create.id, true);
    appState.getState().addTodo("bread");
    appState.getState().writeFailed(create, { code: "id_taken", reason: "id is taken" });
    expect(appState.getState().pending.map((w) => w.kind)).toEqual(["update", "create"]);
    expect(appState.getState().failed.map((f) => f.write)).toEqual([create]);
    expect(texts(appState)).toEqual(["bread"]);
  });

  it("applies the answer to a write it never showed (another tab's), and rebases later edits on it", () => {
    const milk = makeTodo({ text: "milk", version: 1 });
    const appState = stateWith(milk);
    appState.getState().editTodo(milk.id, "oat milk");
    const edit = appState.getState().pending[0];
    expect(edit).toMatchObject({ kind: "update", baseVersion: 1 });
    appState.getState().writeSucceeded("another-tabs-write", { kind: "saved", todos: [{ ...milk, done: true, version: 2 }] });
    expect(appState.getState().confirmed.byId[milk.id]?.version).toBe(2);
    expect(appState.getState().pending[0]).toMatchObject({ writeId: edit?.writeId, baseVersion: 2 });
    expect(appState.getState().todos).toEqual([{ id: milk.id, text: "oat milk", done: true, pending: true, version: 2 }]);
  });
});

describe("todos slice: changes from other devices", () => {
  it("applies creates, updates and deletes idempotently by id and version", () => {
    const appState = stateWith();
    const todo = makeTodo({ text: "v1" });
    appState.getState().applyChange(upsertEvent(todo, 1, "create"));
    appState.getState().applyChange(upsertEvent(todo, 1, "create"));
    expect(texts(appState)).toEqual(["v1"]);
    appState.getState().applyChange(upsertEvent({ ...todo, text: "v3", version: 3 }, 3));
    appState.getState().applyChange(upsertEvent({ ...todo, text: "v2", version: 2 }, 2));
    expect(texts(appState)).toEqual(["v3"]);
    appState.getState().applyChange(deleteEvent(todo.id, 4));
    appState.getState().applyChange(upsertEvent({ ...todo, text: "v5", version: 5 }, 5));
    expect(texts(appState)).toEqual([]);
  });

  it("keeps the user's pending edit on top of a remote change until it is confirmed", () => {
    const milk = makeTodo({ text: "milk" });
    const appState = stateWith(milk);
    appState.getState().toggleTodo(milk.id, true);
    appState.getState().applyChange(upsertEvent({ ...milk, text: "whole milk", version: 2 }, 1));
    expect(appState.getState().todos).toEqual([{ id: milk.id, text: "whole milk", done: true, pending: true, version: 2 }]);
  });

  it("a remote delete removes a todo even while an edit of it is pending", () => {
    const milk = makeTodo();
    const appState = stateWith(milk);
    appState.getState().editTodo(milk.id, "oat milk");
    appState.getState().applyChange(deleteEvent(milk.id, 1));
    expect(appState.getState().todos).toEqual([]);
  });
});
