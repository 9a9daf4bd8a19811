import { describe, expect, it } from "vitest";
import { TODO_OBJECT_TYPE, type Todo } from "@tandem/protocol";
import { deleteEvent, eventJson, upsertEvent } from "./changeEvents.js";

const ctx = { device: "device-1", requestId: "req-1", now: new Date("2026-01-01T00:00:00.000Z") };
const todo: Todo = {
  id: "00000000-0000-4000-8000-000000000001",
  text: "milk",
  done: false,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  device: "device-1",
  userId: "user-1",
  objectType: TODO_OBJECT_TYPE,
  version: 1,
};

describe("eventJson", () => {
  it("is the event's JSON, the same on every call", () => {
    const event = upsertEvent("create", todo, 7, ctx);
    expect(eventJson(event)).toBe(JSON.stringify(event));
    expect(eventJson(event)).toBe(eventJson(event));
    expect(JSON.parse(eventJson(event))).toEqual(event);
  });

  it("keeps each event's own string", () => {
    const created = upsertEvent("create", todo, 7, ctx);
    const deleted = deleteEvent("user-1", todo.id, 8, ctx);
    expect(eventJson(created)).not.toBe(eventJson(deleted));
    expect(JSON.parse(eventJson(deleted))).toMatchObject({ meta: { eventName: "delete", seq: 8 } });
  });
});
