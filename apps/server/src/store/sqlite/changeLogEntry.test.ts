import { describe, expect, it } from "vitest";
import { TODO_OBJECT_TYPE, deleteEvent, upsertEvent, type Todo } from "@tandem/protocol";
import { fromLogEntry, toLogEntry } from "./changeLogEntry.js";

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

  it("refuses an update entry without its todo, or with a todo of the wrong shape", () => {
    const entry = { e: "update", r: "x", d: null, id: todo.id };
    expect(() => fromLogEntry("user-1", 3, JSON.stringify(entry))).toThrow(/lacks its todo/);
    const nulls = { ...entry, text: null, done: null, createdAt: null, updatedAt: null, version: null };
    expect(() => fromLogEntry("user-1", 3, JSON.stringify(nulls))).toThrow(/lacks its todo/);
    const whole = { ...entry, text: "t", done: true, createdAt: todo.createdAt, updatedAt: todo.updatedAt, version: 2 };
    expect(() => fromLogEntry("user-1", 3, JSON.stringify({ ...whole, done: 1 }))).toThrow(/lacks its todo/);
    expect(() => fromLogEntry("user-1", 3, JSON.stringify({ ...whole, version: 2.5 }))).toThrow(/lacks its todo/);
    expect(fromLogEntry("user-1", 3, JSON.stringify(whole)).object).toMatchObject({ text: "t", version: 2 });
  });

  it("refuses a malformed entry: an unknown change, a missing id, not an object", () => {
    for (const bad of [{ e: "bogus", r: "x", d: null, id: "i" }, { e: "delete", r: "x", d: null }, { e: null, r: "x", d: null, id: "i" }, [], 7]) {
      expect(() => fromLogEntry("user-1", 3, JSON.stringify(bad))).toThrow(/malformed/);
    }
  });

  it("refuses to store an event whose todo names another device or user than the change", () => {
    const event = upsertEvent("update", { ...todo, device: "device-other" }, 8, ctx);
    expect(() => toLogEntry(event)).toThrow(/differs/);
  });
});
