import { randomUUID } from "node:crypto";

/**
 * The change event the peers send, in exactly the shape Tandem's relay sends
 * (`packages/protocol/src/events.ts`), so every server puts the same bytes on the wire per
 * delivery and the receivers parse the same thing.
 *
 * @typedef {{ id: string, text: string, done: boolean, createdAt: string, updatedAt: string,
 *   device: string | null, userId: string, objectType: "todo", version: number }} Todo
 * @typedef {{ type: "change", object: Todo, meta: { eventName: "create", requestId: string, userId: string,
 *   seq: number, device: string | null } }} ChangeEvent
 */

/** Per-user change counters, in memory: the peers keep no change log. */
const seqs = new Map();

/**
 * @param {string} userId
 * @param {string | null} device
 * @param {string} text
 * @returns {{ todo: Todo, event: ChangeEvent }}
 */
export function createdTodo(userId, device, text) {
  const now = new Date().toISOString();
  /** @type {Todo} */
  const todo = { id: randomUUID(), text, done: false, createdAt: now, updatedAt: now, device, userId, objectType: "todo", version: 1 };
  const seq = (seqs.get(userId) ?? 0) + 1;
  seqs.set(userId, seq);
  return { todo, event: { type: "change", object: todo, meta: { eventName: "create", requestId: randomUUID(), userId, seq, device } } };
}
