import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { deleteEvent } from "@tandem/protocol";
import { fillTodos } from "../../../test/fillTodos.js";
import { SqliteStore } from "./SqliteStore.js";
import { LIST_PAGE_ROWS } from "./listInPages.js";

const dir = mkdtempSync(path.join(tmpdir(), "tandem-pages-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function userWith(count: number) {
  const store = new SqliteStore({ file: path.join(dir, `${randomUUID()}.db`) });
  stores.push(store);
  await store.init();
  const user = await store.users.create({ email: "pages@example.com", passwordHash: "h" });
  const seq = await fillTodos(store.todos, user.id, count, "x");
  return { store, userId: user.id, seq };
}

/** Deletes the user's oldest todo through the storage, as a delete would (the todos are never done). */
function deleteOldest(store: SqliteStore, userId: string) {
  return store.todos.change(userId, { done: false, limit: 1 }, (state) => {
    const oldest = state.todos[0];
    if (oldest === undefined) throw new Error("no todo left to delete");
    return { result: oldest.id, deleted: [oldest.id], events: [deleteEvent(userId, oldest.id, state.seq + 1, { device: null, requestId: "r" })] };
  });
}

describe("a long list, read a page at a time", () => {
  it.each([LIST_PAGE_ROWS - 1, LIST_PAGE_ROWS, 2 * LIST_PAGE_ROWS + 7])("reads all %i todos, in list order, with the log after a seq", async (count) => {
    const { store, userId, seq } = await userWith(count);
    const snapshot = await store.todos.read(userId, { todos: true, eventsAfter: seq - 3 });
    expect(snapshot.seq).toBe(seq);
    expect(snapshot.todos).toHaveLength(count);
    // Created in one millisecond: the list order is the creation order, which the log records.
    const created = (await store.todos.read(userId, { eventsAfter: 0 })).events.map((e) => e.object.id);
    expect(snapshot.todos.map((t) => t.id)).toEqual(created);
    expect(snapshot.events.map((e) => e.meta.seq)).toEqual([seq - 2, seq - 1, seq]);
  });

  it("starts over when the user changed a todo between two pages: the list is the one its seq says", async () => {
    const { store, userId, seq } = await userWith(3 * LIST_PAGE_ROWS);
    const reading = store.todos.read(userId, { todos: true });
    // Committed while the read waits for its next page: the first page already holds this todo.
    const deleted = await deleteOldest(store, userId);
    const snapshot = await reading;
    expect(snapshot.seq).toBe(seq + 1);
    expect(snapshot.todos).toHaveLength(3 * LIST_PAGE_ROWS - 1);
    expect(snapshot.todos.map((t) => t.id)).not.toContain(deleted);
  });

  it("stays one snapshot while the user writes on every turn", async () => {
    const { store, userId, seq } = await userWith(3 * LIST_PAGE_ROWS);
    const original = (await store.todos.read(userId, { todos: true })).todos.map((t) => t.id);
    let writing = true;
    const writes = (async () => {
      for (let n = 0; writing && n < 200; n++) await deleteOldest(store, userId);
    })();
    const snapshot = await store.todos.read(userId, { todos: true });
    writing = false;
    await writes;
    // Each change deleted the oldest todo: a list and a seq from the same moment agree.
    const gone = snapshot.seq - seq;
    expect(gone).toBeGreaterThan(0);
    expect(snapshot.todos.map((t) => t.id)).toEqual(original.slice(gone));
  });
});
