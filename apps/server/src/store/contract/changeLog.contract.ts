import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Todo } from "@tandem/protocol";
import type { User , ChangeEvent} from "@tandem/protocol";
import type { ContractHarness } from "./harness.js";

/** The change log: catch-up from a seq, trimming, durability across reopening, and the replay property. */
export function describeChangeLog(h: ContractHarness): void {
  describe("change log", () => {
    it("returns exactly the events after `since`, in order, equal to those the mutations returned", async () => {
      const user = await h.newUser();
      const returned: ChangeEvent[] = [];
      const id = randomUUID();
      const created = await h.todos.create(user.id, { id, text: "milk" }, h.ctx());
      if (created.event) returned.push(created.event);
      const updated = await h.todos.update(user.id, id, { text: "oat milk" }, h.ctx(null));
      if (updated?.event) returned.push(updated.event);
      const other = randomUUID();
      const created2 = await h.todos.create(user.id, { id: other, text: "eggs" }, h.ctx());
      if (created2.event) returned.push(created2.event);
      const deleted = await h.todos.remove(user.id, id, h.ctx());
      if (deleted) returned.push(deleted);
      expect(h.seqsOf(returned)).toEqual([1, 2, 3, 4]);

      expect(await h.todos.changesSince(user.id, 0)).toEqual({ events: returned, complete: true, seq: 4 });
      expect(await h.todos.changesSince(user.id, 2)).toEqual({ events: returned.slice(2), complete: true, seq: 4 });
      expect(await h.todos.changesSince(user.id, 3)).toEqual({ events: returned.slice(3), complete: true, seq: 4 });
    });

    it("answers since == current with nothing, complete", async () => {
      const user = await h.newUser();
      expect(await h.todos.changesSince(user.id, 0)).toEqual({ events: [], complete: true, seq: 0 });
      await h.todos.create(user.id, { id: randomUUID(), text: "x" }, h.ctx());
      expect(await h.todos.changesSince(user.id, 1)).toEqual({ events: [], complete: true, seq: 1 });
    });

    it("tells a client from the future (since > current) to resync", async () => {
      const user = await h.newUser();
      await h.todos.create(user.id, { id: randomUUID(), text: "x" }, h.ctx());
      expect(await h.todos.changesSince(user.id, 5)).toEqual({ events: [], complete: false, seq: 1 });
    });

    it("keeps the newest changeLogLimit events and reports older catch-ups as incomplete", async () => {
      const small = h.todosOf(h.store, { changeLogLimit: 5 });
      const user = await h.newUser();
      const id = randomUUID();
      const returned: ChangeEvent[] = [];
      const created = await small.create(user.id, { id, text: "v0" }, h.ctx());
      if (created.event) returned.push(created.event);
      for (let i = 1; i < 8; i++) {
        const r = await small.update(user.id, id, { text: `v${i}` }, h.ctx());
        if (r?.event) returned.push(r.event);
      }
      expect(h.seqsOf(returned)).toEqual(h.range(1, 8));

      // Events 4..8 are kept: catching up from 3 or later is possible, from 2 or earlier not.
      expect(await small.changesSince(user.id, 3)).toEqual({ events: returned.slice(3), complete: true, seq: 8 });
      expect(await small.changesSince(user.id, 6)).toEqual({ events: returned.slice(6), complete: true, seq: 8 });
      for (const since of [0, 1, 2]) {
        const r = await small.changesSince(user.id, since);
        expect(r.complete).toBe(false);
        expect(r.seq).toBe(8);
      }

      // A batch trims too, in the same transaction.
      await small.update(user.id, id, { done: true }, h.ctx()); // 9
      await small.create(user.id, { id: randomUUID(), text: "b" }, h.ctx()); // 10
      const batch = await small.setAllDone(user.id, true, h.ctx()); // 11
      expect(batch.seq).toBe(11);
      expect((await small.changesSince(user.id, 6)).complete).toBe(true);
      expect((await small.changesSince(user.id, 5)).complete).toBe(false);
      expect(h.seqsOf((await small.changesSince(user.id, 6)).events)).toEqual(h.range(7, 11));
    });
  });

  describe("durability", () => {
    it("keeps users, tokens, todos, the change log and sessions across close and reopen", async () => {
      const user = await h.newUser();
      const hash = randomUUID();
      const now = new Date().toISOString();
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      const token = await h.store.tokens.create({ userId: user.id, name: "cli", tokenHash: hash, createdAt: now, expiresAt }, { maxLive: 50, now });
      const { todo, event } = await h.todos.create(user.id, { id: randomUUID(), text: "milk" }, h.ctx());
      const t = Date.now();
      const session = { id: randomUUID(), userId: user.id, signedInAt: t, expiresAt: t + 60_000, deviceId: randomUUID(), name: "Chrome on Linux", createdAt: t, lastSeenAt: t };
      await h.store.sessions.create(session);
      await h.store.close();

      const reopened = await h.open();
      expect(await reopened.users.findById(user.id)).toEqual(user);
      expect((await reopened.tokens.findByHash(hash, now))?.id).toBe(token?.id);
      const again = h.todosOf(reopened);
      expect(await again.list(user.id)).toEqual({ todos: [todo], seq: 1 });
      expect(await again.changesSince(user.id, 0)).toEqual({ events: [event], complete: true, seq: 1 });
      expect(await reopened.sessions.find(session.id, Date.now())).toEqual(session);
      // A write after reopening continues the user's seq.
      const next = await again.create(user.id, { id: randomUUID(), text: "eggs" }, h.ctx());
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
          const { event } = await h.todos.create(user.id, { id, text: c.text }, h.ctx());
          return event ? [event] : [];
        }
        case "update": {
          const event = (await h.todos.update(user.id, id, { text: c.text, done: c.done }, h.ctx()))?.event;
          return event ? [event] : [];
        }
        case "delete": {
          const event = await h.todos.remove(user.id, id, h.ctx());
          return event ? [event] : [];
        }
        case "setAllDone":
          return (await h.todos.setAllDone(user.id, c.done, h.ctx())).events;
        case "deleteDone":
          return (await h.todos.clearCompleted(user.id, h.ctx())).events;
      }
    }

    it("listTodos equals the replay of eventsSince(0), and seqs are 1..n", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(command, { maxLength: 25 }), async (commands) => {
          const user = await h.newUser();
          const ids = Array.from({ length: SLOTS }, () => randomUUID());
          const returned: ChangeEvent[] = [];
          for (const c of commands) returned.push(...(await run(user, ids, c)));

          const log = await h.todos.changesSince(user.id, 0);
          expect(log.complete).toBe(true);
          expect(log.events).toEqual(returned);
          expect(h.seqsOf(log.events)).toEqual(h.range(1, returned.length));
          expect(log.seq).toBe(returned.length);

          const replayed = new Map<string, Todo>();
          for (const e of log.events) {
            if (e.meta.eventName === "delete") replayed.delete(e.object.id);
            else replayed.set(e.object.id, Todo.parse(e.object));
          }
          expect(await h.todos.list(user.id)).toEqual({ todos: [...replayed.values()], seq: returned.length });
        }),
        { numRuns: 30 },
      );
    });
  });
}
