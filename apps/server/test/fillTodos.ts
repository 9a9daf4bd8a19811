import { randomUUID } from "node:crypto";
import { todoObject, upsertEvent, type Seq } from "@tandem/protocol";
import type { TodoRecord, TodoStorage } from "../src/store/TodoStorage.js";

/**
 * Gives a user `count` more todos of `text` (all `done` or not) in one change, straight through the storage (as
 * `count` creates would, each with its event and seq), so a test reaches a large list in one
 * transaction instead of thousands of requests. @returns the user's seq after them
 */
export async function fillTodos(storage: TodoStorage, userId: string, count: number, text: string, done = false): Promise<Seq> {
  return storage.change(userId, { ids: [] }, (state) => {
    const origin = { device: null, requestId: `fill-${randomUUID()}` };
    const now = new Date().toISOString();
    const inserted = Array.from({ length: count }, (_, i) => {
      const todo: TodoRecord = { id: randomUUID(), userId, text, done, createdAt: now, updatedAt: now, device: null, version: 1 };
      return { todo, seq: state.seq + 1 + i };
    });
    const events = inserted.map(({ todo, seq }) => upsertEvent("create", todoObject(todo), seq, origin));
    return { result: state.seq + count, inserted, events };
  });
}
