import { describe, expect, it } from "vitest";
import { TODO_OBJECT_TYPE, type Todo } from "@tandem/protocol";
import { deleteEvent, upsertEvent } from "./changeEvents.js";
import { fromLogEntry, toLogEntry } from "./sqliteChangeLog.js";

const todo: Todo = {
  id: "00000000-0000-4000-8000-000000000001",
  text: "milk \"2%\" ✓",
  done: true,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-02T00:00:00.000Z",
  device: "device-1234",
  userId: "user-1",
  objectType: TODO_OBJECT_TYPE,
  version: 3,
};
const ctx = { device: "device-1234", requestId: "req-1" };

describe("the SQLite change log's entries", () => {
  it.each([
    ["a create", upsertEvent("create", { ...todo, done: false, version: 1 }, 7, ctx)],
    ["an update", upsertEvent("update", todo, 8, ctx)],
    ["a change from a client that sent no device id", upsertEvent("update", { ...todo, device: null }, 9, { device: null, requestId: "req-2" })],
    ["a delete", deleteEvent("user-1", todo.id, 10, ctx)],
  ])("give back %s exactly as it was sent, byte for byte", (_name, event) => {
    const entry = toLogEntry(event);
    const back = fromLogEntry(event.meta.userId, event.meta.seq, entry);
    expect(back).toEqual(event);
    expect(JSON.stringify(back)).toBe(JSON.stringify(event));
    expect(entry.length).toBeLessThan(JSON.stringify(event).length * 0.7);
  });

  it("refuses an update entry without its todo", () => {
    expect(() => fromLogEntry("user-1", 3, JSON.stringify({ e: "update", r: "x", d: null, id: todo.id }))).toThrow(/lacks its todo/);
  });
});
