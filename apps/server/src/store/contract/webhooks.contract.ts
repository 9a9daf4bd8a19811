import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { ChangeEvent } from "@tandem/protocol";
import { ChangeFeed } from "../../todos/ChangeFeed.js";
import { TodoService } from "../../todos/TodoService.js";
import { withOutbox } from "../../webhooks/outbox.js";
import type { Store } from "../Store.js";
import type { ClaimedDelivery, WebhookAttemptRecord } from "../WebhookStorage.js";
import type { ContractHarness } from "./harness.js";

/** Outbound webhooks: endpoints, the outbox written with each change, leases and completions. */
export function describeWebhookStorage(h: ContractHarness): void {
  describe("webhook storage: endpoints, outbox, leases", () => {
    const LEASE_MS = 60_000;
    let clock = Date.parse("2026-02-01T00:00:00.000Z");
    // Tests share one database: each claims only its own endpoints' deliveries (a claim leases
    // whatever is due, so each test deletes its endpoints when it ends, leaving nothing due).
    const created: { userId: string; id: string }[] = [];
    afterEach(async () => {
      for (const { userId, id } of created.splice(0)) await h.store.webhooks.delete(userId, id);
    });
    const endpoint = (userId: string, url = "https://example.com/hook") => {
      const id = randomUUID();
      created.push({ userId, id });
      return endpointWith(id, userId, url);
    };
    const endpointWith = (id: string, userId: string, url: string) => ({
      id,
      userId,
      url,
      description: "",
      secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      createdAt: new Date(clock++).toISOString(),
    });
    const attempt = (delivery: ClaimedDelivery, status: number | null, nextRetryAt: string | null = null): WebhookAttemptRecord => ({
      seq: delivery.seq,
      attempt: delivery.attempt,
      at: new Date().toISOString(),
      status,
      error: status === null ? "ECONNREFUSED" : null,
      durationMs: 3,
      responseBody: "ok",
      nextRetryAt,
    });
    const outboxTodos = (s: Store, feed = new ChangeFeed(() => {})) => new TodoService(withOutbox(s.todos), feed, { changeLogLimit: 1000 });
    /** Claims everything due now (far in the future for `now`, so retries are due too). */
    const claimAll = async (s: Store, owner: string, now = Date.now()) => {
      const claimed = await s.webhooks.claim(owner, now, now + LEASE_MS, 100);
      return claimed.filter((d) => created.some((e) => e.id === d.endpointId));
    };
    /** Delivers the whole queue of every due endpoint of `userIds`, in claim order, returning [endpointId, seq, body]. */
    async function drain(s: Store, owner = "drainer") {
      const got: ClaimedDelivery[] = [];
      for (let round = 0; round < 1000; round++) {
        const claimed = await claimAll(s, owner);
        if (claimed.length === 0) return got;
        for (const d of claimed) {
          got.push(d);
          expect(await s.webhooks.complete(owner, d, attempt(d, 200), { kind: "delivered" }, 50)).toBe(true);
        }
      }
      throw new Error("the queue never drained");
    }

    it("creates, lists (oldest first, only the user's own), enables and deletes endpoints; caps them per user", async () => {
      const [alice, bob] = [await h.newUser(), await h.newUser()];
      const first = endpoint(alice.id, "https://a.example/1");
      const second = endpoint(alice.id, "https://a.example/2");
      expect(await h.store.webhooks.create(first, 2)).toBe(true);
      expect(await h.store.webhooks.create(second, 2)).toBe(true);
      expect(await h.store.webhooks.create(endpoint(alice.id), 2)).toBe(false);
      expect(await h.store.webhooks.create(endpoint(bob.id), 2)).toBe(true);
      const listed = await h.store.webhooks.list(alice.id);
      expect(listed.map((e) => e.url)).toEqual(["https://a.example/1", "https://a.example/2"]);
      expect(listed[0]).toMatchObject({ ...first, disabledAt: null, failingSince: null, lastAttemptAt: null, lastStatus: null });
      expect(await h.store.webhooks.delete(bob.id, first.id)).toBe(false);
      expect(await h.store.webhooks.enable(bob.id, first.id)).toBe(false);
      expect(await h.store.webhooks.attempts(bob.id, first.id, 10)).toBeNull();
      expect(await h.store.webhooks.attempts(alice.id, first.id, 10)).toEqual([]);
      expect(await h.store.webhooks.delete(alice.id, first.id)).toBe(true);
      expect((await h.store.webhooks.list(alice.id)).map((e) => e.id)).toEqual([second.id]);
    });

    it("queues every change for every enabled endpoint in the change's transaction, and delivers per endpoint in seq order", async () => {
      const user = await h.newUser();
      const [one, two] = [endpoint(user.id), endpoint(user.id)];
      await h.store.webhooks.create(one, 10);
      await h.store.webhooks.create(two, 10);
      const events: ChangeEvent[] = [];
      const feed = new ChangeFeed(() => {});
      feed.subscribe((e) => events.push(e));
      const todos = outboxTodos(h.store, feed);
      const { todo } = await todos.create(user.id, { id: randomUUID(), text: "a" }, h.ctx());
      await todos.update(user.id, todo.id, { done: true }, h.ctx());
      await todos.update(user.id, todo.id, { done: true }, h.ctx()); // changes nothing: no event, no delivery
      await todos.remove(user.id, todo.id, h.ctx());
      const got = await drain(h.store);
      for (const id of [one.id, two.id]) {
        const mine = got.filter((d) => d.endpointId === id);
        expect(mine.map((d) => d.seq)).toEqual([1, 2, 3]);
        expect(mine.map((d) => d.body)).toEqual(events.map((e) => JSON.stringify(e)));
        expect(mine.every((d) => d.attempt === 1 && d.userId === user.id && d.url === one.url)).toBe(true);
      }
      const [latest] = (await h.store.webhooks.attempts(user.id, one.id, 1)) ?? [];
      expect(latest).toMatchObject({ seq: 3, attempt: 1, status: 200, responseBody: "ok" });
      expect((await h.store.webhooks.list(user.id))[0]).toMatchObject({ lastStatus: 200, failingSince: null });
    });

    it("writes nothing when the change fails, and queues nothing for a user without endpoints", async () => {
      const [user, other] = [await h.newUser(), await h.newUser()];
      await h.store.webhooks.create(endpoint(user.id), 10);
      const todos = outboxTodos(h.store);
      const { todo } = await todos.create(other.id, { id: randomUUID(), text: "theirs" }, h.ctx());
      await expect(todos.create(user.id, { id: todo.id, text: "taken id" }, h.ctx())).rejects.toMatchObject({ code: "id_taken" });
      expect(await claimAll(h.store, "x")).toEqual([]);
    });

    it("leases an endpoint to one claimer at a time; a lapsed lease can be taken over, and the old holder's completion is refused", async () => {
      const user = await h.newUser();
      const hook = endpoint(user.id);
      await h.store.webhooks.create(hook, 10);
      await outboxTodos(h.store).create(user.id, { id: randomUUID(), text: "a" }, h.ctx());
      const now = Date.now();
      expect(await h.store.webhooks.hasDue(now)).toBe(true);
      const [mine] = (await h.store.webhooks.claim("first", now, now + 1000, 10)).filter((d) => d.endpointId === hook.id);
      expect(mine?.seq).toBe(1);
      expect(await claimAll(h.store, "second", now + 500)).toEqual([]);
      expect(await h.store.webhooks.hasDue(now + 500)).toBe(false);
      const [taken] = await claimAll(h.store, "second", now + 1000);
      expect(taken).toMatchObject({ endpointId: hook.id, seq: 1, attempt: 1 });
      expect(await h.store.webhooks.complete("first", mine!, attempt(mine!, 200), { kind: "delivered" }, 50)).toBe(false);
      expect(await h.store.webhooks.complete("second", taken!, attempt(taken!, 200), { kind: "delivered" }, 50)).toBe(true);
      expect(await claimAll(h.store, "third", now + 5000)).toEqual([]);
    });

    it("holds a failing endpoint's later events behind a retry, without holding back other endpoints", async () => {
      const user = await h.newUser();
      const [failing, healthy] = [endpoint(user.id), endpoint(user.id)];
      await h.store.webhooks.create(failing, 10);
      await h.store.webhooks.create(healthy, 10);
      const todos = outboxTodos(h.store);
      await todos.create(user.id, { id: randomUUID(), text: "a" }, h.ctx());
      await todos.create(user.id, { id: randomUUID(), text: "b" }, h.ctx());
      const now = Date.now();
      const first = await claimAll(h.store, "w", now);
      const bad = first.find((d) => d.endpointId === failing.id)!;
      const retryAt = now + 60_000;
      await h.store.webhooks.complete("w", bad, attempt(bad, 500, new Date(retryAt).toISOString()), { kind: "retry", at: retryAt }, 50);
      const good = first.find((d) => d.endpointId === healthy.id)!;
      await h.store.webhooks.complete("w", good, attempt(good, 204), { kind: "delivered" }, 50);
      const next = await claimAll(h.store, "w");
      expect(next.map((d) => [d.endpointId, d.seq])).toEqual([[healthy.id, 2]]);
      await h.store.webhooks.complete("w", next[0]!, attempt(next[0]!, 204), { kind: "delivered" }, 50);
      // A change while it waits queues behind the retry, which keeps its time.
      await todos.create(user.id, { id: randomUUID(), text: "c" }, h.ctx());
      expect((await claimAll(h.store, "w")).map((d) => [d.endpointId, d.seq])).toEqual([[healthy.id, 3]]);
      const [again] = await claimAll(h.store, "w", retryAt);
      expect(again).toMatchObject({ endpointId: failing.id, seq: 1, attempt: 2 });
      expect(again!.failingSince).not.toBeNull();
      const [listedFailing] = await h.store.webhooks.list(user.id);
      expect(listedFailing).toMatchObject({ lastStatus: 500 });
      expect(listedFailing!.failingSince).not.toBeNull();
    });

    it("disabling drops the queue and stops queueing; enabling takes the changes made from then on", async () => {
      const user = await h.newUser();
      const hook = endpoint(user.id);
      await h.store.webhooks.create(hook, 10);
      const todos = outboxTodos(h.store);
      await todos.create(user.id, { id: randomUUID(), text: "a" }, h.ctx());
      await todos.create(user.id, { id: randomUUID(), text: "b" }, h.ctx());
      const [head] = await claimAll(h.store, "w");
      await h.store.webhooks.complete("w", head!, attempt(head!, 410), { kind: "disable", reason: "the endpoint answered 410 Gone" }, 50);
      const [disabled] = await h.store.webhooks.list(user.id);
      expect(disabled).toMatchObject({ disabledReason: "the endpoint answered 410 Gone", lastStatus: 410 });
      expect(disabled!.disabledAt).not.toBeNull();
      await todos.create(user.id, { id: randomUUID(), text: "c" }, h.ctx());
      expect(await claimAll(h.store, "w", Date.now() + LEASE_MS)).toEqual([]);
      expect(await h.store.webhooks.enable(user.id, hook.id)).toBe(true);
      expect((await h.store.webhooks.list(user.id))[0]).toMatchObject({ disabledAt: null, disabledReason: null, failingSince: null });
      await todos.create(user.id, { id: randomUUID(), text: "d" }, h.ctx());
      expect((await drain(h.store)).map((d) => d.seq)).toEqual([4]);
    });

    it("goes with the account: deleting the user deletes their endpoints, queues and attempts", async () => {
      const user = await h.newUser();
      const hook = endpoint(user.id);
      await h.store.webhooks.create(hook, 10);
      await outboxTodos(h.store).create(user.id, { id: randomUUID(), text: "a" }, h.ctx());
      expect(await h.store.users.delete(user.id)).toBe(true);
      expect(await h.store.webhooks.list(user.id)).toEqual([]);
      expect(await h.store.webhooks.attempts(user.id, hook.id, 10)).toBeNull();
      expect(await claimAll(h.store, "w")).toEqual([]);
    });

    it("keeps the newest attempts of an endpoint, newest first", async () => {
      const user = await h.newUser();
      const hook = endpoint(user.id);
      await h.store.webhooks.create(hook, 10);
      const todos = outboxTodos(h.store);
      for (const text of ["a", "b", "c", "d"]) await todos.create(user.id, { id: randomUUID(), text }, h.ctx());
      for (let round = 0; round < 4; round++) {
        const [d] = await claimAll(h.store, "w");
        await h.store.webhooks.complete("w", d!, attempt(d!, 200), { kind: "delivered" }, 3);
      }
      expect((await h.store.webhooks.attempts(user.id, hook.id, 10))?.map((a) => a.seq)).toEqual([4, 3, 2]);
      expect((await h.store.webhooks.attempts(user.id, hook.id, 1))?.map((a) => a.seq)).toEqual([4]);
    });
  });
}
