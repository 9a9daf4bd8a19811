import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ChangeEvent } from "@tandem/protocol";
import { ChangeFeed } from "../../todos/ChangeFeed.js";
import type { ContractHarness } from "./harness.js";

/**
 * Toggle-all and clear-completed commit a chunk of todos per transaction (todos/bulkChange.ts):
 * with chunks of 2, a handful of todos takes several transactions, and the result must be the
 * one a single transaction would give, every event published once, in seq order.
 */
export function describeBulkChanges(h: ContractHarness): void {
  describe("bulk changes, a chunk per transaction", () => {
    const CHUNK = 2;
    const chunked = () => {
      const published: ChangeEvent[] = [];
      const feed = new ChangeFeed((err) => {
        throw err;
      });
      feed.subscribe((event) => published.push(event));
      return { todos: h.todosOf(h.store, { bulkChunkSize: CHUNK }, feed), published };
    };
    const userWith = async (count: number) => {
      const user = await h.newUser();
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push((await h.todos.create(user.id, { id: randomUUID(), text: `t${i}` }, h.ctx())).todo.id);
      return { user, ids };
    };

    it.each([5, 4, 1])("setAllDone over %i todos: each changed once, in list order, consecutive seqs, published as they commit", async (count) => {
      const { todos, published } = chunked();
      const { user, ids } = await userWith(count);
      const result = await todos.setAllDone(user.id, true, h.ctx());
      expect(result.todos.map((t) => t.id)).toEqual(ids);
      expect(h.seqsOf(result.events)).toEqual(h.range(count + 1, 2 * count));
      expect(result.seq).toBe(2 * count);
      expect(published).toEqual(result.events);
      expect(result.todos).toEqual(result.events.map((e) => e.object));
      const listed = await todos.list(user.id);
      expect(listed).toEqual({ todos: result.todos, seq: 2 * count });
      expect(await todos.setAllDone(user.id, true, h.ctx())).toEqual({ todos: [], events: [], seq: 2 * count });
    });

    it.each([5, 4])("clearCompleted over %i done todos: each deleted once, in list order, consecutive seqs", async (count) => {
      const { todos, published } = chunked();
      const { user, ids } = await userWith(count + 1);
      const kept = ids.pop();
      await h.todos.setAllDone(user.id, true, h.ctx());
      await h.todos.update(user.id, kept ?? "", { done: false }, h.ctx());
      const seq = (await h.todos.list(user.id)).seq;
      const result = await todos.clearCompleted(user.id, h.ctx());
      expect(result.deleted).toEqual(ids);
      expect(h.seqsOf(result.events)).toEqual(h.range(seq + 1, seq + count));
      expect(result.events.map((e) => [e.meta.eventName, e.object.id])).toEqual(ids.map((id) => ["delete", id]));
      expect(published).toEqual(result.events);
      expect((await todos.list(user.id)).todos.map((t) => t.id)).toEqual([kept]);
    });

    it("two opposite toggle-alls racing both end, and the log still replays to the list", async () => {
      const { todos, published } = chunked();
      const { user } = await userWith(6);
      const [on, off] = await Promise.all([todos.setAllDone(user.id, true, h.ctx()), todos.setAllDone(user.id, false, h.ctx())]);
      // Neither changed more todos than the user has.
      expect(on.events.length).toBeLessThanOrEqual(6);
      expect(off.events.length).toBeLessThanOrEqual(6);
      const listed = await todos.list(user.id);
      expect(h.seqsOf(published)).toEqual(h.range(7, listed.seq));
      // The last event about each todo is the todo as listed.
      const last = new Map(published.map((e) => [e.object.id, e.object]));
      for (const todo of listed.todos) expect(last.get(todo.id) ?? todo).toEqual(todo);
    });
  });
}
