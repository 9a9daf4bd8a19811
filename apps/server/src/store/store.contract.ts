import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { ChangeEvent, TODO_OBJECT_TYPE, Todo, TokenInfo, deleteEvent, todoObject, upsertEvent } from "@tandem/protocol";
import type { Seq, User } from "@tandem/protocol";
import { AppError } from "../errors.js";
import { ChangeFeed } from "../todos/ChangeFeed.js";
import { TodoService } from "../todos/TodoService.js";
import type { ChangeContext } from "../todos/todoChanges.js";
import type { Store } from "./Store.js";

/**
 * Opens the adapter under test, already `init()`ed. Every call opens the SAME database (file,
 * or MongoDB database), so closing one store and making another shows what persisted.
 */
export type MakeStore = () => Promise<Store>;

const CHANGE_LOG_LIMIT = 1000;

const DEVICE_A = "device-aaaa";
const DEVICE_B = "device-bbbb";

/**
 * The behaviour every `Store` adapter must have: its narrow interface directly, and the todo
 * rules (`todos/`) running on it, so one suite proves both adapters behave alike. Tests share one
 * database, so each works with users of its own (random emails) and never assumes it is empty.
 */
export function describeStoreContract(name: string, make: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let todos: TodoService;
    const opened: Store[] = [];

    async function open(): Promise<Store> {
      const s = await make();
      opened.push(s);
      return s;
    }

    /** The todo rules on a store's storage, publishing to a feed nobody listens to. */
    function todosOf(s: Store, changeLogLimit = CHANGE_LOG_LIMIT): TodoService {
      return new TodoService(s.todos, new ChangeFeed(() => {}), { changeLogLimit });
    }

    beforeEach(async () => {
      store = await open();
      todos = todosOf(store);
    });

    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    let clock = Date.parse("2026-01-01T00:00:00.000Z");
    /** A change context with its own clock, one millisecond after the previous one. */
    function ctx(device: string | null = DEVICE_A, now = new Date(clock++)): ChangeContext {
      return { device, requestId: `req-${randomUUID()}`, now };
    }

    async function newUser(s: Store = store): Promise<User> {
      return s.users.create({ email: `${randomUUID()}@example.com`, passwordHash: "$2b$04$hash" });
    }

    function seqsOf(events: ChangeEvent[]): Seq[] {
      return events.map((e) => e.meta.seq);
    }

    function range(from: number, to: number): number[] {
      return Array.from({ length: to - from + 1 }, (_, i) => from + i);
    }

    describe("lifecycle", () => {
      it("pings, and init() is idempotent", async () => {
        await expect(store.ping()).resolves.toBeUndefined();
        await store.init();
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });

    describe("users", () => {
      it("creates a user and finds it by email and by id", async () => {
        const email = `${randomUUID()}@example.com`;
        const user = await store.users.create({ email, passwordHash: "h1" });
        expect(user).toEqual({ id: expect.any(String), email });
        expect(await store.users.findByEmail(email)).toEqual({ id: user.id, email, passwordHash: "h1" });
        expect(await store.users.findById(user.id)).toEqual({ id: user.id, email });
      });

      it("returns null for unknown users", async () => {
        expect(await store.users.findByEmail(`${randomUUID()}@example.com`)).toBeNull();
        expect(await store.users.findById("no-such-user")).toBeNull();
        expect(await store.users.findById("0123456789abcdef01234567")).toBeNull();
        expect(await store.users.findById(randomUUID())).toBeNull();
      });

      it("refuses a second account with the same email", async () => {
        const email = `${randomUUID()}@example.com`;
        await store.users.create({ email, passwordHash: "h1" });
        const second = store.users.create({ email, passwordHash: "h2" });
        await expect(second).rejects.toBeInstanceOf(AppError);
        await expect(second).rejects.toMatchObject({ code: "email_taken" });
        expect((await store.users.findByEmail(email))?.passwordHash).toBe("h1");
      });
    });

    describe("API tokens", () => {
      const at = (ms: number) => new Date(Date.parse("2026-03-01T00:00:00.000Z") + ms).toISOString();

      it("creates, finds by hash, records a use, lists and deletes a token", async () => {
        const user = await newUser();
        const hash = randomUUID();
        const info = await store.tokens.create({ userId: user.id, name: "laptop", tokenHash: hash, createdAt: at(0) });
        expect(TokenInfo.parse(info)).toEqual(info);
        expect(info).toEqual({ id: expect.any(String), name: "laptop", createdAt: at(0), lastUsedAt: null });
        expect(await store.tokens.list(user.id)).toEqual([info]);
        expect(await store.tokens.findByHash(hash)).toEqual({ ...info, userId: user.id });

        await store.tokens.markUsed(info.id, at(1_000));
        expect(await store.tokens.findByHash(hash)).toEqual({ ...info, userId: user.id, lastUsedAt: at(1_000) });
        expect((await store.tokens.list(user.id))[0]?.lastUsedAt).toBe(at(1_000));

        expect(await store.tokens.delete(user.id, info.id)).toBe(true);
        expect(await store.tokens.findByHash(hash)).toBeNull();
        expect(await store.tokens.list(user.id)).toEqual([]);
        expect(await store.tokens.delete(user.id, info.id)).toBe(false);
      });

      it("keeps tokens to their user: another user neither lists nor deletes them", async () => {
        const [alice, bob] = [await newUser(), await newUser()];
        const a1 = await store.tokens.create({ userId: alice.id, name: "one", tokenHash: randomUUID(), createdAt: at(0) });
        const a2 = await store.tokens.create({ userId: alice.id, name: "two", tokenHash: randomUUID(), createdAt: at(1) });
        expect(await store.tokens.list(bob.id)).toEqual([]);
        expect(await store.tokens.delete(bob.id, a1.id)).toBe(false);
        expect(await store.tokens.delete(bob.id, "not-an-id")).toBe(false);
        expect(await store.tokens.list(alice.id)).toEqual([a1, a2]);
      });

      it("finds nothing for an unknown hash", async () => {
        expect(await store.tokens.findByHash(randomUUID())).toBeNull();
      });
    });

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
        const user = await newUser();
        const first = record(user.id, "first");
        const second = { ...record(user.id, "second"), createdAt: "2026-04-01T00:00:01.000Z", updatedAt: "2026-04-01T00:00:01.000Z" };
        const seen: unknown[] = [];
        const result = await store.todos.change(user.id, { ids: [second.id, first.id] }, (state) => {
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
        expect(seen).toEqual([{ seq: 0, todos: [] }]);
        const snapshot = await store.todos.read(user.id, { todos: true, eventsAfter: 1 });
        expect(snapshot.seq).toBe(2);
        expect(snapshot.todos).toEqual([first, second]);
        expect(snapshot.events.map((e) => e.meta.seq)).toEqual([2]);
        expect(await store.todos.read(user.id, {})).toEqual({ seq: 2, todos: [], events: [] });
      });

      it("hands a change the rows with the ids asked for, whoever owns them, and the rows selected by done", async () => {
        const [alice, bob] = [await newUser(), await newUser()];
        const { todo } = await todos.create(alice.id, { id: randomUUID(), text: "alice's" }, ctx());
        await todos.create(bob.id, { id: randomUUID(), text: "bob's" }, ctx());
        const byId = await store.todos.change(bob.id, { ids: [todo.id, randomUUID()] }, (state) => ({ result: state, events: [] }));
        const { objectType: _, ...aliceRow } = todo;
        expect(byId).toEqual({ seq: 1, todos: [aliceRow] });
        const byDone = await store.todos.change(bob.id, { done: false }, (state) => ({ result: state.todos.map((t) => t.text), events: [] }));
        expect(byDone).toEqual(["bob's"]);
      });

      it("writes nothing when the decision throws, and rejects with its error", async () => {
        const user = await newUser();
        const failure = new Error("decided against it");
        const attempt = store.todos.change(user.id, { ids: [] }, () => {
          throw failure;
        });
        await expect(attempt).rejects.toBe(failure);
        expect(await store.todos.read(user.id, { todos: true, eventsAfter: 0 })).toEqual({ seq: 0, todos: [], events: [] });
      });

      it("refuses a change whose events do not continue the user's seq, or that writes rows without events, and keeps nothing", async () => {
        const user = await newUser();
        await todos.create(user.id, { id: randomUUID(), text: "one" }, ctx());
        const row = record(user.id, "skips a seq");
        await expect(
          store.todos.change(user.id, { ids: [] }, () => ({
            result: null,
            inserted: [{ todo: row, seq: 3 }],
            events: [upsertEvent("create", todoObject(row), 3, origin)],
          })),
        ).rejects.toThrow(/does not continue/);
        await expect(store.todos.change(user.id, { ids: [] }, () => ({ result: null, inserted: [{ todo: row, seq: 2 }], events: [] }))).rejects.toThrow(
          /must record its events/,
        );
        const snapshot = await store.todos.read(user.id, { todos: true, eventsAfter: 0 });
        expect(snapshot.seq).toBe(1);
        expect(snapshot.todos.map((t) => t.text)).toEqual(["one"]);
        expect(snapshot.events).toHaveLength(1);
      });

      it("trims the log through the seq it is told, never its newest entry", async () => {
        const user = await newUser();
        for (let i = 0; i < 3; i++) await todos.create(user.id, { id: randomUUID(), text: `t${i}` }, ctx());
        const row = record(user.id, "trims");
        await store.todos.change(user.id, { ids: [] }, () => ({
          result: null,
          inserted: [{ todo: row, seq: 4 }],
          events: [upsertEvent("create", todoObject(row), 4, origin)],
          trimThrough: 2,
        }));
        expect((await store.todos.read(user.id, { eventsAfter: 0 })).events.map((e) => e.meta.seq)).toEqual([3, 4]);
        await expect(store.todos.change(user.id, { ids: [] }, () => ({ result: null, events: [deleteEvent(user.id, row.id, 5, origin)], deleted: [row.id], trimThrough: 5 }))).rejects.toThrow(
          /would empty/,
        );
        expect((await store.todos.read(user.id, { eventsAfter: 0 })).seq).toBe(4);
      });
    });

    describe("todos", () => {
      it("creates a todo with its event and lists it", async () => {
        const user = await newUser();
        const id = randomUUID();
        const c = ctx(DEVICE_A);
        const { todo, event } = await todos.create(user.id, { id, text: "milk" }, c);
        const iso = c.now?.toISOString();
        expect(todo).toEqual({
          id,
          text: "milk",
          done: false,
          createdAt: iso,
          updatedAt: iso,
          device: DEVICE_A,
          userId: user.id,
          objectType: TODO_OBJECT_TYPE,
          version: 1,
        });
        expect(Todo.parse(todo)).toEqual(todo);
        expect(event).toEqual({
          type: "change",
          object: todo,
          meta: { eventName: "create", requestId: c.requestId, userId: user.id, seq: 1, device: DEVICE_A },
        });
        expect(ChangeEvent.parse(event)).toEqual(event);
        expect(await todos.list(user.id)).toEqual({ todos: [todo], seq: 1 });
      });

      it("records a null device when the writer sent none", async () => {
        const user = await newUser();
        const { todo, event } = await todos.create(user.id, { id: randomUUID(), text: "x" }, ctx(null));
        expect(todo.device).toBeNull();
        expect(event?.meta.device).toBeNull();
        expect(ChangeEvent.parse(event)).toEqual(event);
      });

      it("lists oldest first, todos created in the same millisecond in creation order", async () => {
        const user = await newUser();
        const t = Date.parse("2026-02-01T00:00:00.000Z");
        const late = await todos.create(user.id, { id: randomUUID(), text: "late" }, ctx(DEVICE_A, new Date(t + 5)));
        const first = await todos.create(user.id, { id: randomUUID(), text: "first" }, ctx(DEVICE_A, new Date(t)));
        const second = await todos.create(user.id, { id: randomUUID(), text: "second" }, ctx(DEVICE_A, new Date(t)));
        const third = await todos.create(user.id, { id: randomUUID(), text: "third" }, ctx(DEVICE_A, new Date(t)));
        const { todos: listed } = await todos.list(user.id);
        expect(listed.map((x) => x.text)).toEqual(["first", "second", "third", "late"]);
        expect(listed).toEqual([first.todo, second.todo, third.todo, late.todo]);
      });

      it("treats a repeated create of the same id as done: the existing todo, no event, no seq", async () => {
        const user = await newUser();
        const id = randomUUID();
        const created = await todos.create(user.id, { id, text: "milk" }, ctx());
        const again = await todos.create(user.id, { id, text: "something else" }, ctx(DEVICE_B));
        expect(again).toEqual({ todo: created.todo, event: null });
        expect(await todos.list(user.id)).toEqual({ todos: [created.todo], seq: 1 });
        expect((await todos.changesSince(user.id, 0)).events).toEqual([created.event]);
      });

      it("refuses an id another user already has, changing nothing", async () => {
        const [alice, bob] = [await newUser(), await newUser()];
        const id = randomUUID();
        const created = await todos.create(alice.id, { id, text: "alice's" }, ctx());
        const steal = todos.create(bob.id, { id, text: "bob's" }, ctx());
        await expect(steal).rejects.toBeInstanceOf(AppError);
        await expect(steal).rejects.toMatchObject({ code: "id_taken" });
        expect(await todos.list(bob.id)).toEqual({ todos: [], seq: 0 });
        expect(await todos.list(alice.id)).toEqual({ todos: [created.todo], seq: 1 });
      });

      it("updates text and done, bumping version and seq by exactly one each time", async () => {
        const user = await newUser();
        const id = randomUUID();
        const created = await todos.create(user.id, { id, text: "milk" }, ctx(DEVICE_A));

        const c1 = ctx(DEVICE_B);
        const r1 = await todos.update(user.id, id, { text: "oat milk" }, c1);
        const expected1 = { ...created.todo, text: "oat milk", version: 2, device: DEVICE_B, updatedAt: c1.now?.toISOString() };
        expect(r1).toEqual({
          todo: expected1,
          event: {
            type: "change",
            object: expected1,
            meta: { eventName: "update", requestId: c1.requestId, userId: user.id, seq: 2, device: DEVICE_B },
          },
        });
        expect(ChangeEvent.parse(r1?.event)).toEqual(r1?.event);

        const c2 = ctx(null);
        const r2 = await todos.update(user.id, id, { done: true }, c2);
        expect(r2?.todo).toEqual({ ...expected1, done: true, version: 3, device: null, updatedAt: c2.now?.toISOString() });
        expect(r2?.event?.meta.seq).toBe(3);

        const r3 = await todos.update(user.id, id, { text: "milk", done: false }, ctx());
        expect(r3?.todo).toMatchObject({ text: "milk", done: false, version: 4, createdAt: created.todo.createdAt });
        expect(r3?.event?.meta.seq).toBe(4);
        expect(await todos.list(user.id)).toEqual({ todos: [r3?.todo], seq: 4 });
      });

      it("answers a patch that changes nothing with the todo and no event", async () => {
        const user = await newUser();
        const id = randomUUID();
        const { todo } = await todos.create(user.id, { id, text: "milk" }, ctx());
        expect(await todos.update(user.id, id, { text: "milk" }, ctx(DEVICE_B))).toEqual({ todo, event: null });
        expect(await todos.update(user.id, id, { done: false }, ctx(DEVICE_B))).toEqual({ todo, event: null });
        expect(await todos.update(user.id, id, {}, ctx(DEVICE_B))).toEqual({ todo, event: null });
        expect(await todos.list(user.id)).toEqual({ todos: [todo], seq: 1 });
        expect((await todos.changesSince(user.id, 0)).events).toHaveLength(1);
      });

      it("deletes a todo with a delete event that carries only its identity", async () => {
        const user = await newUser();
        const id = randomUUID();
        await todos.create(user.id, { id, text: "milk" }, ctx());
        const c = ctx(DEVICE_B);
        const event = await todos.remove(user.id, id, c);
        expect(event).toEqual({
          type: "change",
          object: { id, userId: user.id, device: DEVICE_B, objectType: TODO_OBJECT_TYPE },
          meta: { eventName: "delete", requestId: c.requestId, userId: user.id, seq: 2, device: DEVICE_B },
        });
        expect(ChangeEvent.parse(event)).toEqual(event);
        expect(await todos.list(user.id)).toEqual({ todos: [], seq: 2 });
        expect(await todos.remove(user.id, id, ctx())).toBeNull();
        expect(await todos.update(user.id, id, { done: true }, ctx())).toBeNull();
        expect((await todos.list(user.id)).seq).toBe(2);
      });

      it("does not let another user see, update or delete a todo", async () => {
        const [alice, bob] = [await newUser(), await newUser()];
        const id = randomUUID();
        const { todo } = await todos.create(alice.id, { id, text: "alice's" }, ctx());
        expect((await todos.list(bob.id)).todos).toEqual([]);
        expect(await todos.update(bob.id, id, { text: "bob's", done: true }, ctx())).toBeNull();
        expect(await todos.remove(bob.id, id, ctx())).toBeNull();
        expect(await todos.list(bob.id)).toEqual({ todos: [], seq: 0 });
        expect(await todos.list(alice.id)).toEqual({ todos: [todo], seq: 1 });
      });

      it("returns null for a todo that does not exist", async () => {
        const user = await newUser();
        expect(await todos.update(user.id, randomUUID(), { done: true }, ctx())).toBeNull();
        expect(await todos.remove(user.id, randomUUID(), ctx())).toBeNull();
      });

      it("setAllDone changes only the todos that differ: one event each, in list order, consecutive seqs", async () => {
        const user = await newUser();
        const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
        for (const [i, id] of ids.entries()) await todos.create(user.id, { id, text: `t${i}` }, ctx());
        await todos.update(user.id, ids[1] ?? "", { done: true }, ctx()); // seq 5

        const c = ctx(DEVICE_B);
        const all = await todos.setAllDone(user.id, true, c);
        expect(all.seq).toBe(8);
        expect(seqsOf(all.events)).toEqual([6, 7, 8]);
        expect(all.events.map((e) => e.object.id)).toEqual([ids[0], ids[2], ids[3]]);
        for (const event of all.events) {
          expect(ChangeEvent.parse(event)).toEqual(event);
          expect(event.meta).toMatchObject({ eventName: "update", requestId: c.requestId, device: DEVICE_B });
          expect(event.object).toMatchObject({ done: true, version: 2, device: DEVICE_B, updatedAt: c.now?.toISOString() });
        }
        // `todos` is what changed, exactly the events' objects (ToggleAllResponse).
        expect(all.todos).toEqual(all.events.map((e) => e.object));
        const listed = await todos.list(user.id);
        expect(listed.seq).toBe(8);
        expect(listed.todos.map((t) => t.id)).toEqual(ids);
        expect(listed.todos.every((t) => t.done)).toBe(true);
        expect(listed.todos.filter((t) => t.id !== ids[1])).toEqual(all.todos);

        const again = await todos.setAllDone(user.id, true, ctx());
        expect(again).toEqual({ todos: [], events: [], seq: 8 });

        const undone = await todos.setAllDone(user.id, false, ctx());
        expect(seqsOf(undone.events)).toEqual([9, 10, 11, 12]);
        expect(undone.todos.map((t) => t.id)).toEqual(ids);
        expect((await todos.list(user.id)).todos).toEqual(undone.todos);
      });

      it("deleteDone deletes the done todos: one event each, in list order, consecutive seqs", async () => {
        const user = await newUser();
        const ids = [randomUUID(), randomUUID(), randomUUID()];
        for (const id of ids) await todos.create(user.id, { id, text: "x" }, ctx());
        await todos.update(user.id, ids[2] ?? "", { done: true }, ctx()); // seq 4
        await todos.update(user.id, ids[0] ?? "", { done: true }, ctx()); // seq 5

        const c = ctx(DEVICE_B);
        const result = await todos.clearCompleted(user.id, c);
        expect(result.deleted).toEqual([ids[0], ids[2]]);
        expect(result.seq).toBe(7);
        expect(result.events).toEqual([
          {
            type: "change",
            object: { id: ids[0], userId: user.id, device: DEVICE_B, objectType: TODO_OBJECT_TYPE },
            meta: { eventName: "delete", requestId: c.requestId, userId: user.id, seq: 6, device: DEVICE_B },
          },
          {
            type: "change",
            object: { id: ids[2], userId: user.id, device: DEVICE_B, objectType: TODO_OBJECT_TYPE },
            meta: { eventName: "delete", requestId: c.requestId, userId: user.id, seq: 7, device: DEVICE_B },
          },
        ]);
        expect((await todos.list(user.id)).todos.map((t) => t.id)).toEqual([ids[1]]);
        expect(await todos.clearCompleted(user.id, ctx())).toEqual({ deleted: [], events: [], seq: 7 });
      });

      it("counts seq per user, +1 per change, with no gaps", async () => {
        const [alice, bob] = [await newUser(), await newUser()];
        const events: Record<string, ChangeEvent[]> = { [alice.id]: [], [bob.id]: [] };
        const push = (userId: string, e: ChangeEvent | null | undefined) => {
          if (e) events[userId]?.push(e);
        };
        const a = randomUUID();
        const b = randomUUID();
        push(alice.id, (await todos.create(alice.id, { id: a, text: "a" }, ctx())).event);
        push(bob.id, (await todos.create(bob.id, { id: b, text: "b" }, ctx())).event);
        push(alice.id, (await todos.update(alice.id, a, { done: true }, ctx()))?.event);
        push(alice.id, (await todos.update(alice.id, a, { done: true }, ctx()))?.event); // no-op
        push(bob.id, await todos.remove(bob.id, b, ctx()));
        push(alice.id, (await todos.create(alice.id, { id: randomUUID(), text: "c" }, ctx())).event);
        for (const e of (await todos.setAllDone(alice.id, true, ctx())).events) push(alice.id, e);
        expect(seqsOf(events[alice.id] ?? [])).toEqual([1, 2, 3, 4]);
        expect(seqsOf(events[bob.id] ?? [])).toEqual([1, 2]);
        expect((await todos.list(alice.id)).seq).toBe(4);
        expect((await todos.list(bob.id)).seq).toBe(2);
      });
    });

    describe("concurrency", () => {
      it("gives concurrent changes of one user distinct, gapless seqs", async () => {
        const user = await newUser();
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => todos.create(user.id, { id: randomUUID(), text: `t${i}` }, ctx())),
        );
        const seqs = results.map((r) => r.event?.meta.seq ?? 0).sort((a, b) => a - b);
        expect(seqs).toEqual(range(1, 8));
        const log = await todos.changesSince(user.id, 0);
        expect(seqsOf(log.events)).toEqual(range(1, 8));
        expect((await todos.list(user.id)).todos).toHaveLength(8);
      });
    });

    describe("change log", () => {
      it("returns exactly the events after `since`, in order, equal to those the mutations returned", async () => {
        const user = await newUser();
        const returned: ChangeEvent[] = [];
        const id = randomUUID();
        const created = await todos.create(user.id, { id, text: "milk" }, ctx());
        if (created.event) returned.push(created.event);
        const updated = await todos.update(user.id, id, { text: "oat milk" }, ctx(null));
        if (updated?.event) returned.push(updated.event);
        const other = randomUUID();
        const created2 = await todos.create(user.id, { id: other, text: "eggs" }, ctx());
        if (created2.event) returned.push(created2.event);
        const deleted = await todos.remove(user.id, id, ctx());
        if (deleted) returned.push(deleted);
        expect(seqsOf(returned)).toEqual([1, 2, 3, 4]);

        expect(await todos.changesSince(user.id, 0)).toEqual({ events: returned, complete: true, seq: 4 });
        expect(await todos.changesSince(user.id, 2)).toEqual({ events: returned.slice(2), complete: true, seq: 4 });
        expect(await todos.changesSince(user.id, 3)).toEqual({ events: returned.slice(3), complete: true, seq: 4 });
      });

      it("answers since == current with nothing, complete", async () => {
        const user = await newUser();
        expect(await todos.changesSince(user.id, 0)).toEqual({ events: [], complete: true, seq: 0 });
        await todos.create(user.id, { id: randomUUID(), text: "x" }, ctx());
        expect(await todos.changesSince(user.id, 1)).toEqual({ events: [], complete: true, seq: 1 });
      });

      it("tells a client from the future (since > current) to resync", async () => {
        const user = await newUser();
        await todos.create(user.id, { id: randomUUID(), text: "x" }, ctx());
        expect(await todos.changesSince(user.id, 5)).toEqual({ events: [], complete: false, seq: 1 });
      });

      it("keeps the newest changeLogLimit events and reports older catch-ups as incomplete", async () => {
        const small = todosOf(store, 5);
        const user = await newUser();
        const id = randomUUID();
        const returned: ChangeEvent[] = [];
        const created = await small.create(user.id, { id, text: "v0" }, ctx());
        if (created.event) returned.push(created.event);
        for (let i = 1; i < 8; i++) {
          const r = await small.update(user.id, id, { text: `v${i}` }, ctx());
          if (r?.event) returned.push(r.event);
        }
        expect(seqsOf(returned)).toEqual(range(1, 8));

        // Events 4..8 are kept: catching up from 3 or later is possible, from 2 or earlier not.
        expect(await small.changesSince(user.id, 3)).toEqual({ events: returned.slice(3), complete: true, seq: 8 });
        expect(await small.changesSince(user.id, 6)).toEqual({ events: returned.slice(6), complete: true, seq: 8 });
        for (const since of [0, 1, 2]) {
          const r = await small.changesSince(user.id, since);
          expect(r.complete).toBe(false);
          expect(r.seq).toBe(8);
        }

        // A batch trims too, in the same transaction.
        await small.update(user.id, id, { done: true }, ctx()); // 9
        await small.create(user.id, { id: randomUUID(), text: "b" }, ctx()); // 10
        const batch = await small.setAllDone(user.id, true, ctx()); // 11
        expect(batch.seq).toBe(11);
        expect((await small.changesSince(user.id, 6)).complete).toBe(true);
        expect((await small.changesSince(user.id, 5)).complete).toBe(false);
        expect(seqsOf((await small.changesSince(user.id, 6)).events)).toEqual(range(7, 11));
      });
    });

    describe("sessions", () => {
      async function newSession(expiresInMs = 60_000) {
        const user = await newUser();
        const now = Date.now();
        const session = { id: randomUUID(), userId: user.id, signedInAt: now, expiresAt: now + expiresInMs };
        await store.sessions.create(session);
        return session;
      }

      it("creates, finds and deletes a session", async () => {
        const session = await newSession();
        expect(await store.sessions.find(session.id, Date.now())).toEqual(session);
        await store.sessions.delete(session.id);
        expect(await store.sessions.find(session.id, Date.now())).toBeNull();
        // Deleting what is gone is not an error (a second sign-out).
        await store.sessions.delete(session.id);
      });

      it("finds a session with its user in one call, and nothing for an unknown, expired or deleted session", async () => {
        const session = await newSession(60_000);
        const user = await store.users.findById(session.userId);
        expect(await store.sessions.findWithUser(session.id, Date.now())).toEqual({ session, user });
        expect(await store.sessions.findWithUser(randomUUID(), Date.now())).toBeNull();
        expect(await store.sessions.findWithUser(session.id, session.expiresAt)).toBeNull();
        await store.sessions.delete(session.id);
        expect(await store.sessions.findWithUser(session.id, Date.now())).toBeNull();
      });

      it("finds nothing for an unknown id, or once the session expired", async () => {
        expect(await store.sessions.find(randomUUID(), Date.now())).toBeNull();
        const session = await newSession(60_000);
        expect(await store.sessions.find(session.id, session.expiresAt - 1)).not.toBeNull();
        expect(await store.sessions.find(session.id, session.expiresAt)).toBeNull();
      });

      it("extends a session's expiry forward, never backward", async () => {
        const session = await newSession(60_000);
        await store.sessions.extend(session.id, session.expiresAt + 3_600_000);
        expect((await store.sessions.find(session.id, session.expiresAt + 1))?.expiresAt).toBe(session.expiresAt + 3_600_000);
        await store.sessions.extend(session.id, session.expiresAt);
        expect((await store.sessions.find(session.id, Date.now()))?.expiresAt).toBe(session.expiresAt + 3_600_000);
        // Extending an unknown session creates nothing.
        const unknown = randomUUID();
        await store.sessions.extend(unknown, Date.now() + 60_000);
        expect(await store.sessions.find(unknown, Date.now())).toBeNull();
      });

      it("deletes the sessions that expired, and only those", async () => {
        const gone = await newSession(1_000);
        const kept = await newSession(600_000);
        const deleted = await store.sessions.deleteExpired(gone.expiresAt);
        expect(deleted).toBeGreaterThanOrEqual(1);
        expect(await store.sessions.find(gone.id, gone.signedInAt)).toBeNull();
        expect(await store.sessions.find(kept.id, Date.now())).toEqual(kept);
      });

      it("refuses a second session with the same id", async () => {
        const session = await newSession();
        await expect(store.sessions.create({ ...session, userId: (await newUser()).id })).rejects.toThrow();
        expect(await store.sessions.find(session.id, Date.now())).toEqual(session);
      });
    });

    describe("durability", () => {
      it("keeps users, tokens, todos, the change log and sessions across close and reopen", async () => {
        const user = await newUser();
        const hash = randomUUID();
        const token = await store.tokens.create({ userId: user.id, name: "cli", tokenHash: hash, createdAt: new Date().toISOString() });
        const { todo, event } = await todos.create(user.id, { id: randomUUID(), text: "milk" }, ctx());
        const session = { id: randomUUID(), userId: user.id, signedInAt: Date.now(), expiresAt: Date.now() + 60_000 };
        await store.sessions.create(session);
        await store.close();

        const reopened = await open();
        expect(await reopened.users.findById(user.id)).toEqual(user);
        expect((await reopened.tokens.findByHash(hash))?.id).toBe(token.id);
        const again = todosOf(reopened);
        expect(await again.list(user.id)).toEqual({ todos: [todo], seq: 1 });
        expect(await again.changesSince(user.id, 0)).toEqual({ events: [event], complete: true, seq: 1 });
        expect(await reopened.sessions.find(session.id, Date.now())).toEqual(session);
        // A write after reopening continues the user's seq.
        const next = await again.create(user.id, { id: randomUUID(), text: "eggs" }, ctx());
        expect(next.event?.meta.seq).toBe(2);
      });
    });

    describe("property: the change log replays to the list", () => {
      type Command =
        | { kind: "create"; slot: number; text: string }
        | { kind: "update"; slot: number; text?: string | undefined; done?: boolean | undefined }
        | { kind: "delete"; slot: number }
        | { kind: "setAllDone"; done: boolean }
        | { kind: "deleteDone" };

      const SLOTS = 5;
      const text = fc.constantFrom("milk", "eggs", "bread");
      const slot = fc.integer({ min: 0, max: SLOTS - 1 });
      const command: fc.Arbitrary<Command> = fc.oneof(
        fc.record({ kind: fc.constant("create" as const), slot, text }),
        fc.record(
          { kind: fc.constant("update" as const), slot, text, done: fc.boolean() },
          { requiredKeys: ["kind", "slot"] },
        ),
        fc.record({ kind: fc.constant("delete" as const), slot }),
        fc.record({ kind: fc.constant("setAllDone" as const), done: fc.boolean() }),
        fc.record({ kind: fc.constant("deleteDone" as const) }),
      );

      async function run(user: User, ids: string[], c: Command): Promise<ChangeEvent[]> {
        const id = "slot" in c ? (ids[c.slot] ?? "") : "";
        switch (c.kind) {
          case "create": {
            const { event } = await todos.create(user.id, { id, text: c.text }, ctx());
            return event ? [event] : [];
          }
          case "update": {
            const event = (await todos.update(user.id, id, { text: c.text, done: c.done }, ctx()))?.event;
            return event ? [event] : [];
          }
          case "delete": {
            const event = await todos.remove(user.id, id, ctx());
            return event ? [event] : [];
          }
          case "setAllDone":
            return (await todos.setAllDone(user.id, c.done, ctx())).events;
          case "deleteDone":
            return (await todos.clearCompleted(user.id, ctx())).events;
        }
      }

      it("listTodos equals the replay of eventsSince(0), and seqs are 1..n", async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(command, { maxLength: 25 }), async (commands) => {
            const user = await newUser();
            const ids = Array.from({ length: SLOTS }, () => randomUUID());
            const returned: ChangeEvent[] = [];
            for (const c of commands) returned.push(...(await run(user, ids, c)));

            const log = await todos.changesSince(user.id, 0);
            expect(log.complete).toBe(true);
            expect(log.events).toEqual(returned);
            expect(seqsOf(log.events)).toEqual(range(1, returned.length));
            expect(log.seq).toBe(returned.length);

            const replayed = new Map<string, Todo>();
            for (const e of log.events) {
              if (e.meta.eventName === "delete") replayed.delete(e.object.id);
              else replayed.set(e.object.id, Todo.parse(e.object));
            }
            expect(await todos.list(user.id)).toEqual({ todos: [...replayed.values()], seq: returned.length });
          }),
          { numRuns: 30 },
        );
      });
    });
  });
}
