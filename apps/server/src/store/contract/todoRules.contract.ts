import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ChangeEvent, TODO_OBJECT_TYPE, Todo } from "@tandem/protocol";
import { AppError } from "../../errors.js";
import type { ContractHarness } from "./harness.js";

/** The todo rules (todos/) running on the adapter: seqs, events, no-op patches, ownership, concurrency. */
export function describeTodoRules(h: ContractHarness): void {
  describe("todos", () => {
    it("creates a todo with its event and lists it", async () => {
      const user = await h.newUser();
      const id = randomUUID();
      const c = h.ctx(h.DEVICE_A);
      const { todo, event } = await h.todos.create(user.id, { id, text: "milk" }, c);
      const iso = c.now?.toISOString();
      expect(todo).toEqual({
        id,
        text: "milk",
        done: false,
        createdAt: iso,
        updatedAt: iso,
        device: h.DEVICE_A,
        userId: user.id,
        objectType: TODO_OBJECT_TYPE,
        version: 1,
      });
      expect(Todo.parse(todo)).toEqual(todo);
      expect(event).toEqual({
        type: "change",
        object: todo,
        meta: { eventName: "create", requestId: c.requestId, userId: user.id, seq: 1, device: h.DEVICE_A },
      });
      expect(ChangeEvent.parse(event)).toEqual(event);
      expect(await h.todos.list(user.id)).toEqual({ todos: [todo], seq: 1 });
    });

    it("records a null device when the writer sent none", async () => {
      const user = await h.newUser();
      const { todo, event } = await h.todos.create(user.id, { id: randomUUID(), text: "x" }, h.ctx(null));
      expect(todo.device).toBeNull();
      expect(event?.meta.device).toBeNull();
      expect(ChangeEvent.parse(event)).toEqual(event);
    });

    it("lists oldest first, todos created in the same millisecond in creation order", async () => {
      const user = await h.newUser();
      const t = Date.parse("2026-02-01T00:00:00.000Z");
      const late = await h.todos.create(user.id, { id: randomUUID(), text: "late" }, h.ctx(h.DEVICE_A, new Date(t + 5)));
      const first = await h.todos.create(user.id, { id: randomUUID(), text: "first" }, h.ctx(h.DEVICE_A, new Date(t)));
      const second = await h.todos.create(user.id, { id: randomUUID(), text: "second" }, h.ctx(h.DEVICE_A, new Date(t)));
      const third = await h.todos.create(user.id, { id: randomUUID(), text: "third" }, h.ctx(h.DEVICE_A, new Date(t)));
      const { todos: listed } = await h.todos.list(user.id);
      expect(listed.map((x) => x.text)).toEqual(["first", "second", "third", "late"]);
      expect(listed).toEqual([first.todo, second.todo, third.todo, late.todo]);
    });

    it("treats a repeated create of the same id as done: the existing todo, no event, no seq", async () => {
      const user = await h.newUser();
      const id = randomUUID();
      const created = await h.todos.create(user.id, { id, text: "milk" }, h.ctx());
      const again = await h.todos.create(user.id, { id, text: "something else" }, h.ctx(h.DEVICE_B));
      expect(again).toEqual({ todo: created.todo, event: null });
      expect(await h.todos.list(user.id)).toEqual({ todos: [created.todo], seq: 1 });
      expect((await h.todos.changesSince(user.id, 0)).events).toEqual([created.event]);
    });

    it("refuses an id another user already has, changing nothing", async () => {
      const [alice, bob] = [await h.newUser(), await h.newUser()];
      const id = randomUUID();
      const created = await h.todos.create(alice.id, { id, text: "alice's" }, h.ctx());
      const steal = h.todos.create(bob.id, { id, text: "bob's" }, h.ctx());
      await expect(steal).rejects.toBeInstanceOf(AppError);
      await expect(steal).rejects.toMatchObject({ code: "id_taken" });
      expect(await h.todos.list(bob.id)).toEqual({ todos: [], seq: 0 });
      expect(await h.todos.list(alice.id)).toEqual({ todos: [created.todo], seq: 1 });
    });

    it("updates text and done, bumping version and seq by exactly one each time", async () => {
      const user = await h.newUser();
      const id = randomUUID();
      const created = await h.todos.create(user.id, { id, text: "milk" }, h.ctx(h.DEVICE_A));

      const c1 = h.ctx(h.DEVICE_B);
      const r1 = await h.todos.update(user.id, id, { text: "oat milk" }, c1);
      const expected1 = { ...created.todo, text: "oat milk", version: 2, device: h.DEVICE_B, updatedAt: c1.now?.toISOString() };
      expect(r1).toEqual({
        todo: expected1,
        event: {
          type: "change",
          object: expected1,
          meta: { eventName: "update", requestId: c1.requestId, userId: user.id, seq: 2, device: h.DEVICE_B },
        },
      });
      expect(ChangeEvent.parse(r1?.event)).toEqual(r1?.event);

      const c2 = h.ctx(null);
      const r2 = await h.todos.update(user.id, id, { done: true }, c2);
      expect(r2?.todo).toEqual({ ...expected1, done: true, version: 3, device: null, updatedAt: c2.now?.toISOString() });
      expect(r2?.event?.meta.seq).toBe(3);

      const r3 = await h.todos.update(user.id, id, { text: "milk", done: false }, h.ctx());
      expect(r3?.todo).toMatchObject({ text: "milk", done: false, version: 4, createdAt: created.todo.createdAt });
      expect(r3?.event?.meta.seq).toBe(4);
      expect(await h.todos.list(user.id)).toEqual({ todos: [r3?.todo], seq: 4 });
    });

    it("answers a patch that changes nothing with the todo and no event", async () => {
      const user = await h.newUser();
      const id = randomUUID();
      const { todo } = await h.todos.create(user.id, { id, text: "milk" }, h.ctx());
      expect(await h.todos.update(user.id, id, { text: "milk" }, h.ctx(h.DEVICE_B))).toEqual({ todo, event: null });
      expect(await h.todos.update(user.id, id, { done: false }, h.ctx(h.DEVICE_B))).toEqual({ todo, event: null });
      expect(await h.todos.update(user.id, id, {}, h.ctx(h.DEVICE_B))).toEqual({ todo, event: null });
      expect(await h.todos.list(user.id)).toEqual({ todos: [todo], seq: 1 });
      expect((await h.todos.changesSince(user.id, 0)).events).toHaveLength(1);
    });

    it("deletes a todo with a delete event that carries only its identity", async () => {
      const user = await h.newUser();
      const id = randomUUID();
      await h.todos.create(user.id, { id, text: "milk" }, h.ctx());
      const c = h.ctx(h.DEVICE_B);
      const event = await h.todos.remove(user.id, id, c);
      expect(event).toEqual({
        type: "change",
        object: { id, userId: user.id, device: h.DEVICE_B, objectType: TODO_OBJECT_TYPE },
        meta: { eventName: "delete", requestId: c.requestId, userId: user.id, seq: 2, device: h.DEVICE_B },
      });
      expect(ChangeEvent.parse(event)).toEqual(event);
      expect(await h.todos.list(user.id)).toEqual({ todos: [], seq: 2 });
      expect(await h.todos.remove(user.id, id, h.ctx())).toBeNull();
      expect(await h.todos.update(user.id, id, { done: true }, h.ctx())).toBeNull();
      expect((await h.todos.list(user.id)).seq).toBe(2);
    });

    it("does not let another user see, update or delete a todo", async () => {
      const [alice, bob] = [await h.newUser(), await h.newUser()];
      const id = randomUUID();
      const { todo } = await h.todos.create(alice.id, { id, text: "alice's" }, h.ctx());
      expect((await h.todos.list(bob.id)).todos).toEqual([]);
      expect(await h.todos.update(bob.id, id, { text: "bob's", done: true }, h.ctx())).toBeNull();
      expect(await h.todos.remove(bob.id, id, h.ctx())).toBeNull();
      expect(await h.todos.list(bob.id)).toEqual({ todos: [], seq: 0 });
      expect(await h.todos.list(alice.id)).toEqual({ todos: [todo], seq: 1 });
    });

    it("returns null for a todo that does not exist", async () => {
      const user = await h.newUser();
      expect(await h.todos.update(user.id, randomUUID(), { done: true }, h.ctx())).toBeNull();
      expect(await h.todos.remove(user.id, randomUUID(), h.ctx())).toBeNull();
    });

    it("setAllDone changes only the todos that differ: one event each, in list order, consecutive seqs", async () => {
      const user = await h.newUser();
      const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      for (const [i, id] of ids.entries()) await h.todos.create(user.id, { id, text: `t${i}` }, h.ctx());
      await h.todos.update(user.id, ids[1] ?? "", { done: true }, h.ctx()); // seq 5

      const c = h.ctx(h.DEVICE_B);
      const all = await h.todos.setAllDone(user.id, true, c);
      expect(all.seq).toBe(8);
      expect(h.seqsOf(all.events)).toEqual([6, 7, 8]);
      expect(all.events.map((e) => e.object.id)).toEqual([ids[0], ids[2], ids[3]]);
      for (const event of all.events) {
        expect(ChangeEvent.parse(event)).toEqual(event);
        expect(event.meta).toMatchObject({ eventName: "update", requestId: c.requestId, device: h.DEVICE_B });
        expect(event.object).toMatchObject({ done: true, version: 2, device: h.DEVICE_B, updatedAt: c.now?.toISOString() });
      }
      // `todos` is what changed, exactly the events' objects (ToggleAllResponse).
      expect(all.todos).toEqual(all.events.map((e) => e.object));
      const listed = await h.todos.list(user.id);
      expect(listed.seq).toBe(8);
      expect(listed.todos.map((t) => t.id)).toEqual(ids);
      expect(listed.todos.every((t) => t.done)).toBe(true);
      expect(listed.todos.filter((t) => t.id !== ids[1])).toEqual(all.todos);

      const again = await h.todos.setAllDone(user.id, true, h.ctx());
      expect(again).toEqual({ todos: [], events: [], seq: 8 });

      const undone = await h.todos.setAllDone(user.id, false, h.ctx());
      expect(h.seqsOf(undone.events)).toEqual([9, 10, 11, 12]);
      expect(undone.todos.map((t) => t.id)).toEqual(ids);
      expect((await h.todos.list(user.id)).todos).toEqual(undone.todos);
    });

    it("deleteDone deletes the done todos: one event each, in list order, consecutive seqs", async () => {
      const user = await h.newUser();
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      for (const id of ids) await h.todos.create(user.id, { id, text: "x" }, h.ctx());
      await h.todos.update(user.id, ids[2] ?? "", { done: true }, h.ctx()); // seq 4
      await h.todos.update(user.id, ids[0] ?? "", { done: true }, h.ctx()); // seq 5

      const c = h.ctx(h.DEVICE_B);
      const result = await h.todos.clearCompleted(user.id, c);
      expect(result.deleted).toEqual([ids[0], ids[2]]);
      expect(result.seq).toBe(7);
      expect(result.events).toEqual([
        {
          type: "change",
          object: { id: ids[0], userId: user.id, device: h.DEVICE_B, objectType: TODO_OBJECT_TYPE },
          meta: { eventName: "delete", requestId: c.requestId, userId: user.id, seq: 6, device: h.DEVICE_B },
        },
        {
          type: "change",
          object: { id: ids[2], userId: user.id, device: h.DEVICE_B, objectType: TODO_OBJECT_TYPE },
          meta: { eventName: "delete", requestId: c.requestId, userId: user.id, seq: 7, device: h.DEVICE_B },
        },
      ]);
      expect((await h.todos.list(user.id)).todos.map((t) => t.id)).toEqual([ids[1]]);
      expect(await h.todos.clearCompleted(user.id, h.ctx())).toEqual({ deleted: [], events: [], seq: 7 });
    });

    it("counts seq per user, +1 per change, with no gaps", async () => {
      const [alice, bob] = [await h.newUser(), await h.newUser()];
      const events: Record<string, ChangeEvent[]> = { [alice.id]: [], [bob.id]: [] };
      const push = (userId: string, e: ChangeEvent | null | undefined) => {
        if (e) events[userId]?.push(e);
      };
      const a = randomUUID();
      const b = randomUUID();
      push(alice.id, (await h.todos.create(alice.id, { id: a, text: "a" }, h.ctx())).event);
      push(bob.id, (await h.todos.create(bob.id, { id: b, text: "b" }, h.ctx())).event);
      push(alice.id, (await h.todos.update(alice.id, a, { done: true }, h.ctx()))?.event);
      push(alice.id, (await h.todos.update(alice.id, a, { done: true }, h.ctx()))?.event); // no-op
      push(bob.id, await h.todos.remove(bob.id, b, h.ctx()));
      push(alice.id, (await h.todos.create(alice.id, { id: randomUUID(), text: "c" }, h.ctx())).event);
      for (const e of (await h.todos.setAllDone(alice.id, true, h.ctx())).events) push(alice.id, e);
      expect(h.seqsOf(events[alice.id] ?? [])).toEqual([1, 2, 3, 4]);
      expect(h.seqsOf(events[bob.id] ?? [])).toEqual([1, 2]);
      expect((await h.todos.list(alice.id)).seq).toBe(4);
      expect((await h.todos.list(bob.id)).seq).toBe(2);
    });
  });

  describe("the cap on todos per user", () => {
    it("refuses a create past todosMaxPerUser with limit_reached, and nothing else", async () => {
      const capped = h.todosOf(h.store, { todosMaxPerUser: 2 });
      const [user, other] = [await h.newUser(), await h.newUser()];
      const first = await capped.create(user.id, { id: randomUUID(), text: "a" }, h.ctx());
      await capped.create(user.id, { id: randomUUID(), text: "b" }, h.ctx());
      const over = capped.create(user.id, { id: randomUUID(), text: "c" }, h.ctx());
      await expect(over).rejects.toBeInstanceOf(AppError);
      await expect(over).rejects.toMatchObject({ code: "limit_reached" });
      expect(await capped.create(user.id, { id: first.todo.id, text: "a" }, h.ctx())).toEqual({ todo: first.todo, event: null });
      const listed = await capped.list(user.id);
      expect(listed.todos.map((t) => t.text)).toEqual(["a", "b"]);
      expect(listed.seq).toBe(2);
      // Another user's list is counted on its own; a delete makes room.
      expect((await capped.create(other.id, { id: randomUUID(), text: "x" }, h.ctx())).event?.meta.seq).toBe(1);
      await capped.remove(user.id, first.todo.id, h.ctx());
      expect((await capped.create(user.id, { id: randomUUID(), text: "c" }, h.ctx())).event?.meta.seq).toBe(4);
    });

    it("holds when creates race: never more than the cap", async () => {
      const capped = h.todosOf(h.store, { todosMaxPerUser: 3 });
      const user = await h.newUser();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => capped.create(user.id, { id: randomUUID(), text: `t${i}` }, h.ctx())),
      );
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(3);
      for (const o of outcomes) if (o.status === "rejected") expect(o.reason).toMatchObject({ code: "limit_reached" });
      expect((await capped.list(user.id)).todos).toHaveLength(3);
    });
  });

  describe("concurrency", () => {
    it("gives concurrent changes of one user distinct, gapless seqs", async () => {
      const user = await h.newUser();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => h.todos.create(user.id, { id: randomUUID(), text: `t${i}` }, h.ctx())),
      );
      const seqs = results.map((r) => r.event?.meta.seq ?? 0).sort((a, b) => a - b);
      expect(seqs).toEqual(h.range(1, 8));
      const log = await h.todos.changesSince(user.id, 0);
      expect(h.seqsOf(log.events)).toEqual(h.range(1, 8));
      expect((await h.todos.list(user.id)).todos).toHaveLength(8);
    });
  });
}
