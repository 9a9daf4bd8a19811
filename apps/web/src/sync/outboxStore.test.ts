import "fake-indexeddb/auto";
import { IDBFactory } from "fake-indexeddb";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createAppState } from "../state/appState";
import type { PendingWrite, WriteResult } from "../state/pendingWrite";
import { openBrowserDb, type BrowserDb } from "../storage/browserDb";
import { FakeEnvironment } from "../testing/FakeEnvironment";
import { makeTodo } from "../testing/fixtures";
import { ApiError, NetworkError } from "../api/errors";
import { indexedDbListCache } from "./listCache";
import { Outbox } from "./Outbox";
import { indexedDbOutbox, nextToSend } from "./outboxStore";

const ID = "00000000-0000-4000-8000-000000000001";
const create = (writeId: string, text = "milk"): PendingWrite => ({ kind: "create", writeId, id: ID, text });
const edit = (writeId: string, text: string, baseVersion: number | null): PendingWrite => ({ kind: "update", writeId, id: ID, patch: { text }, baseVersion });

let db: BrowserDb;
beforeEach(async () => {
  // A fresh browser for every test.
  globalThis.indexedDB = new IDBFactory();
  const opened = await openBrowserDb();
  if (opened === null) throw new Error("fake-indexeddb did not open");
  db = opened;
});

describe("the outbox in IndexedDB", () => {
  it("keeps each user's writes apart, in order, across openings of the database", async () => {
    const ada = indexedDbOutbox(db, "ada");
    await ada.add(create("w1"));
    await indexedDbOutbox(db, "bob").add(create("w2", "bob's"));
    await ada.add(edit("w3", "oat milk", null));
    db.close();
    const reopened = await openBrowserDb();
    if (reopened === null) throw new Error("no database");
    expect((await indexedDbOutbox(reopened, "ada").all()).map((e) => e.write.writeId)).toEqual(["w1", "w3"]);
    expect((await indexedDbOutbox(reopened, "bob").all()).map((e) => e.write.writeId)).toEqual(["w2"]);
    await indexedDbOutbox(reopened, "ada").clear();
    expect(await indexedDbOutbox(reopened, "ada").all()).toEqual([]);
    expect(await indexedDbOutbox(reopened, "bob").all()).toHaveLength(1);
  });

  it("removes an acknowledged write and rebases later edits of its todo on the version it produced", async () => {
    const store = indexedDbOutbox(db, "ada");
    await store.add(create("w1"));
    await store.add(edit("w2", "oat milk", null));
    await store.acknowledged("w1", { kind: "saved", todos: [makeTodo({ id: ID, version: 1 })] });
    expect((await store.all()).map((e) => e.write)).toEqual([{ ...edit("w2", "oat milk", 1) }]);
  });

  it("leaves an edit on its base when the acknowledged version skipped one (another device's change), and never rebases a failed write", async () => {
    const store = indexedDbOutbox(db, "ada");
    await store.add({ kind: "update", writeId: "w1", id: ID, patch: { done: true } });
    await store.add(edit("w2", "oat milk", 1));
    await store.add(edit("w3", "soy milk", 1));
    await store.failed("w3", { code: "internal", reason: "something broke" });
    // w1 produced version 3: version 2 was another device's, which w2 never saw.
    await store.acknowledged("w1", { kind: "saved", todos: [makeTodo({ id: ID, version: 3 })] });
    expect((await store.all()).map((e) => e.write)).toEqual([edit("w2", "oat milk", 1), edit("w3", "soy milk", 1)]);
  });

  it("keeps failed writes with their reason, holds back later writes of a todo whose create failed, and retries or discards them", async () => {
    const store = indexedDbOutbox(db, "ada");
    await store.add(create("w1"));
    await store.add(edit("w2", "oat milk", null));
    await store.add({ kind: "toggleAll", writeId: "w3", done: true });
    await store.failed("w1", { code: "id_taken", reason: "this id cannot be used" });
    const entries = await store.all();
    expect(entries[0]?.failure).toEqual({ code: "id_taken", reason: "this id cannot be used" });
    expect(nextToSend(entries)?.writeId).toBe("w3");
    await store.retry("w1");
    expect(nextToSend(await store.all())?.writeId).toBe("w1");
    await store.failed("w1", { code: "id_taken", reason: "again" });
    await store.discard("w1");
    expect((await store.all()).map((e) => e.write.writeId)).toEqual(["w3"]);
  });

  it("keeps the last list of each user until it is cleared", async () => {
    const cache = indexedDbListCache(db);
    const user = { id: "ada", email: "ada@example.com" };
    await cache.save({ user, todos: [makeTodo({ text: "kept" })], seq: 7, savedAt: 1 });
    expect(await cache.load("ada")).toMatchObject({ seq: 7, todos: [{ text: "kept" }] });
    expect(await cache.load("bob")).toBeNull();
    await cache.clear("ada");
    expect(await cache.load("ada")).toBeNull();
  });
});

describe("the durable outbox", () => {
  function start(send: (write: PendingWrite) => Promise<WriteResult>) {
    const appState = createAppState();
    appState.getState().signedIn({ id: "ada", email: "ada@example.com" });
    appState.getState().loadSnapshot([], 0);
    const env = new FakeEnvironment();
    const outbox = new Outbox({ appState, env, send, onUnauthorized: () => {}, store: indexedDbOutbox(db, "ada") });
    void outbox.start();
    return { appState, env, outbox };
  }

  it("sends what an earlier page left in the store, and the same write with the same key after a lost answer", async () => {
    const sent: PendingWrite[] = [];
    const offline = start(async (write) => {
      sent.push(write);
      throw new NetworkError();
    });
    offline.env.online = false;
    offline.appState.getState().addTodo("milk");
    await offline.outbox.idle();
    offline.outbox.dispose();
    expect(await indexedDbOutbox(db, "ada").all()).toHaveLength(1);

    // The next page: the answer to the first attempt is lost, the second is acknowledged.
    let attempts = 0;
    const next = start(async (write) => {
      sent.push(write);
      attempts += 1;
      if (attempts === 1) throw new ApiError(503, "unavailable", "busy", [], 0);
      return { kind: "saved", todos: [makeTodo({ id: write.kind === "create" ? write.id : ID, text: "milk" })] };
    });
    await vi.waitFor(() => expect(next.appState.getState().todos.map((t) => [t.text, t.pending])).toEqual([["milk", true]]));
    await vi.waitFor(() => expect(next.env.pendingDelays()).toHaveLength(1));
    next.env.advance(60_000);
    await vi.waitFor(() => expect(next.appState.getState().todos.map((t) => [t.text, t.pending])).toEqual([["milk", false]]));
    // Every attempt was the same write: one Idempotency-Key (its writeId), one todo id.
    expect(new Set(sent.map((w) => w.writeId)).size).toBe(1);
    expect(await indexedDbOutbox(db, "ada").all()).toEqual([]);
  });

  it("keeps a conflicting edit with the current todo, and overwrites it knowingly when asked", async () => {
    const current = makeTodo({ id: ID, text: "theirs", version: 3 });
    const sent: PendingWrite[] = [];
    const { appState, outbox } = start(async (write) => {
      sent.push(write);
      if (write.kind === "update" && write.baseVersion === 2) throw new ApiError(409, "conflict", "changed", [], null, current);
      return { kind: "saved", todos: [{ ...current, text: "mine", version: 4 }] };
    });
    appState.getState().loadSnapshot([makeTodo({ id: ID, text: "mine before", version: 2 })], 0);
    appState.getState().editTodo(ID, "mine", 2);
    await vi.waitFor(() => expect(appState.getState().failed).toHaveLength(1));
    const [failed] = appState.getState().failed;
    expect(failed?.failure).toMatchObject({ code: "conflict", current: { text: "theirs", version: 3 } });
    await outbox.overwrite(failed?.write.writeId ?? "");
    await vi.waitFor(() => expect(appState.getState().pending).toEqual([]));
    expect(sent.at(-1)).toMatchObject({ kind: "update", patch: { text: "mine" }, baseVersion: 3 });
    expect(sent.at(-1)?.writeId).not.toBe(failed?.write.writeId);
    expect(appState.getState().failed).toEqual([]);
    expect(appState.getState().todos.map((t) => t.text)).toEqual(["mine"]);
  });
});
