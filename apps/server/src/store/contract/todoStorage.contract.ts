import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deleteEvent, todoObject, upsertEvent } from "@tandem/protocol";
import type { ContractHarness } from "./harness.js";

/** The narrow todo interface itself: a consistent read, and a change that reads, decides and writes in one transaction. */
export function describeTodoStorage(h: ContractHarness): void {
  describe("todo storage: the narrow interface", () => {
    const record = (userId: string, text: string, version = 1) => ({
      id: randomUUID(),
      userId,
      text,
      done: false,
      createdAt: "2026-04-01T00:00:00.000Z",
      updatedAt: "2026-04-01T00:00:00.000Z",
      device: null,
      version,
    });
    const origin = { device: null, requestId: "req-narrow" };

    it("reads, decides and writes in one change; read() sees the rows in list order and the log after a seq", async () => {
      const user = await h.newUser();
      const first = record(user.id, "first");
      const second = { ...record(user.id, "second"), createdAt: "2026-04-01T00:00:01.000Z", updatedAt: "2026-04-01T00:00:01.000Z" };
      const seen: unknown[] = [];
      const result = await h.store.todos.change(user.id, { ids: [second.id, first.id] }, (state) => {
        seen.push(state);
        return {
          result: "done",
          inserted: [
            { todo: second, seq: 1 },
            { todo: first, seq: 2 },
          ],
          events: [upsertEvent("create", todoObject(second), 1, origin), upsertEvent("create", todoObject(first), 2, origin)],
        };
      });
      expect(result).toBe("done");
      expect(seen).toEqual([{ seq: 0, todos: [], webhooks: [] }]);
      const snapshot = await h.store.todos.read(user.id, { todos: true, eventsAfter: 1 });
      expect(snapshot.seq).toBe(2);
      expect(snapshot.todos).toEqual([first, second]);
      expect(snapshot.events.map((e) => e.meta.seq)).toEqual([2]);
      expect(await h.store.todos.read(user.id, {})).toEqual({ seq: 2, todos: [], events: [] });
    });

    it("hands a change the rows with the ids asked for, whoever owns them, and the rows selected by done", async () => {
      const [alice, bob] = [await h.newUser(), await h.newUser()];
      const { todo } = await h.todos.create(alice.id, { id: randomUUID(), text: "alice's" }, h.ctx());
      await h.todos.create(bob.id, { id: randomUUID(), text: "bob's" }, h.ctx());
      const byId = await h.store.todos.change(bob.id, { ids: [todo.id, randomUUID()] }, (state) => ({ result: state, events: [] }));
      const { objectType: _, ...aliceRow } = todo;
      expect(byId).toEqual({ seq: 1, todos: [aliceRow], webhooks: [] });
      const byDone = await h.store.todos.change(bob.id, { done: false }, (state) => ({ result: state.todos.map((t) => t.text), events: [] }));
      expect(byDone).toEqual(["bob's"]);
    });

    it("hands a `done` selection with a limit only the first rows in list order", async () => {
      const user = await h.newUser();
      for (const text of ["a", "b", "c", "d"]) await h.todos.create(user.id, { id: randomUUID(), text }, h.ctx());
      const texts = (select: { done: boolean; limit?: number }) =>
        h.store.todos.change(user.id, select, (state) => ({ result: state.todos.map((t) => t.text), events: [] }));
      expect(await texts({ done: false, limit: 3 })).toEqual(["a", "b", "c"]);
      expect(await texts({ done: false, limit: 10 })).toEqual(["a", "b", "c", "d"]);
      expect(await texts({ done: false })).toEqual(["a", "b", "c", "d"]);
      expect(await texts({ done: true, limit: 3 })).toEqual([]);
    });

    it("counts the user's todos when the selection asks, and only theirs", async () => {
      const [alice, bob] = [await h.newUser(), await h.newUser()];
      for (let i = 0; i < 3; i++) await h.todos.create(alice.id, { id: randomUUID(), text: `a${i}` }, h.ctx());
      await h.todos.create(bob.id, { id: randomUUID(), text: "b" }, h.ctx());
      const seen = (userId: string, select: Parameters<typeof h.store.todos.change>[1]) =>
        h.store.todos.change(userId, select, (state) => ({ result: state, events: [] }));
      expect((await seen(alice.id, { ids: [], count: true })).count).toBe(3);
      expect((await seen(alice.id, { done: true, count: true })).count).toBe(3);
      expect((await seen(bob.id, { ids: [], count: true })).count).toBe(1);
      expect(await seen(alice.id, { ids: [] })).toEqual({ seq: 3, todos: [], webhooks: [] });
      expect((await seen((await h.newUser()).id, { ids: [], count: true })).count).toBe(0);
    });

    it("writes nothing when the decision throws, and rejects with its error", async () => {
      const user = await h.newUser();
      const failure = new Error("decided against it");
      const attempt = h.store.todos.change(user.id, { ids: [] }, () => {
        throw failure;
      });
      await expect(attempt).rejects.toBe(failure);
      expect(await h.store.todos.read(user.id, { todos: true, eventsAfter: 0 })).toEqual({ seq: 0, todos: [], events: [] });
    });

    it("refuses a change whose events do not continue the user's seq, or that writes rows without events, and keeps nothing", async () => {
      const user = await h.newUser();
      await h.todos.create(user.id, { id: randomUUID(), text: "one" }, h.ctx());
      const row = record(user.id, "skips a seq");
      await expect(
        h.store.todos.change(user.id, { ids: [] }, () => ({
          result: null,
          inserted: [{ todo: row, seq: 3 }],
          events: [upsertEvent("create", todoObject(row), 3, origin)],
        })),
      ).rejects.toThrow(/does not continue/);
      await expect(h.store.todos.change(user.id, { ids: [] }, () => ({ result: null, inserted: [{ todo: row, seq: 2 }], events: [] }))).rejects.toThrow(
        /must record its events/,
      );
      const snapshot = await h.store.todos.read(user.id, { todos: true, eventsAfter: 0 });
      expect(snapshot.seq).toBe(1);
      expect(snapshot.todos.map((t) => t.text)).toEqual(["one"]);
      expect(snapshot.events).toHaveLength(1);
    });

    it("trims the log through the seq it is told, never its newest entry", async () => {
      const user = await h.newUser();
      for (let i = 0; i < 3; i++) await h.todos.create(user.id, { id: randomUUID(), text: `t${i}` }, h.ctx());
      const row = record(user.id, "trims");
      await h.store.todos.change(user.id, { ids: [] }, () => ({
        result: null,
        inserted: [{ todo: row, seq: 4 }],
        events: [upsertEvent("create", todoObject(row), 4, origin)],
        trimThrough: 2,
      }));
      expect((await h.store.todos.read(user.id, { eventsAfter: 0 })).events.map((e) => e.meta.seq)).toEqual([3, 4]);
      await expect(h.store.todos.change(user.id, { ids: [] }, () => ({ result: null, events: [deleteEvent(user.id, row.id, 5, origin)], deleted: [row.id], trimThrough: 5 }))).rejects.toThrow(
        /would empty/,
      );
      expect((await h.store.todos.read(user.id, { eventsAfter: 0 })).seq).toBe(4);
    });
  });
}
