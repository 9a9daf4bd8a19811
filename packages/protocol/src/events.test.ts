import { describe, expect, it } from "vitest";
import { ChangeEvent, RelayedChangeEvent, ServerMessage, isResync, resyncMessage } from "./index.js";

const todo = {
  id: "0b6f8e2e-4a53-4c1b-9a55-0f5f4b0f1a11",
  text: "milk",
  done: false,
  createdAt: "2026-11-25T10:00:00.000Z",
  updatedAt: "2026-11-25T10:00:00.000Z",
  device: "device-aaaa",
  userId: "u1",
  objectType: "objects.todos",
  version: 1,
} as const;
const meta = { eventName: "create", requestId: "r1", userId: "u1", seq: 1, device: "device-aaaa" } as const;

describe("ChangeEvent", () => {
  it("accepts a create envelope and a delete envelope", () => {
    expect(ChangeEvent.safeParse({ object: todo, meta }).success).toBe(true);
    const del = {
      object: { id: todo.id, userId: "u1", device: null, objectType: "objects.todos" },
      meta: { ...meta, eventName: "delete", device: null },
    };
    expect(ChangeEvent.safeParse(del).success).toBe(true);
  });

  it("refuses a delete that carries a whole todo's name but no todo, and a create without one", () => {
    const bare = { id: todo.id, userId: "u1", device: null, objectType: "objects.todos" };
    expect(ChangeEvent.safeParse({ object: bare, meta }).success).toBe(false);
  });

  it("refuses an envelope whose meta names another user than its object", () => {
    const r = ChangeEvent.safeParse({ object: todo, meta: { ...meta, userId: "u2" } });
    expect(r.success).toBe(false);
  });

  it("refuses seq 0, unknown event names and malformed device ids", () => {
    expect(ChangeEvent.safeParse({ object: todo, meta: { ...meta, seq: 0 } }).success).toBe(false);
    expect(ChangeEvent.safeParse({ object: todo, meta: { ...meta, eventName: "upsert" } }).success).toBe(false);
    expect(ChangeEvent.safeParse({ object: { ...todo, device: "a b" }, meta }).success).toBe(false);
  });

  it("requires the store's seq; only a relayed event (webhook payload, socket message) may leave it out", () => {
    const { seq: _seq, ...unsequenced } = meta;
    expect(ChangeEvent.safeParse({ object: todo, meta: unsequenced }).success).toBe(false);
    expect(RelayedChangeEvent.parse({ object: todo, meta: unsequenced }).meta).not.toHaveProperty("seq");
    expect(ServerMessage.safeParse({ object: todo, meta: unsequenced }).success).toBe(true);
    expect(RelayedChangeEvent.safeParse({ object: todo, meta: { ...meta, seq: 0 } }).success).toBe(false);
    expect(RelayedChangeEvent.safeParse({ object: todo, meta: { ...unsequenced, userId: "u2" } }).success).toBe(false);
  });

  it("tells a resync message from a change", () => {
    const resync = ServerMessage.parse(resyncMessage(7));
    expect(isResync(resync)).toBe(true);
    expect(isResync(ServerMessage.parse({ object: todo, meta }))).toBe(false);
  });
});
