import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { TODO_OBJECT_TYPE, deleteEvent, upsertEvent, type Todo } from "@tandem/protocol";
import { AppError } from "../../errors.js";
import { ChangeFeed } from "../../todos/ChangeFeed.js";
import { TodoService } from "../../todos/TodoService.js";
import { SqliteStore, type SqliteStoreOptions } from "./SqliteStore.js";
import { WalCheckpointer } from "./walCheckpointer.js";
import { SCHEMA_VERSION, migrate } from "./schema.js";
import { isBusy, toStoreError } from "./sqliteErrors.js";
import { holdWriteLock } from "../../../test/holdWriteLock.js";

// SQLite-only behaviour; what every adapter must do is in store.contract.ts.

const dir = mkdtempSync(path.join(tmpdir(), "tandem-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const toClose: { close(): unknown }[] = [];
afterEach(async () => {
  for (const c of toClose.splice(0).reverse()) await c.close();
});

/** A store on a file of its own, with the todo rules running on it. */
async function openStore(file = path.join(dir, `${randomUUID()}.db`), busyTimeoutMs?: number, options: Partial<SqliteStoreOptions> = {}) {
  const store = new SqliteStore({ file, busyTimeoutMs, ...options });
  toClose.push(store);
  await store.init();
  return { store, file, todos: todosOn(store) };
}

function todosOn(store: SqliteStore, changeLogLimit = 100): TodoService {
  return new TodoService(store.todos, new ChangeFeed(() => {}), { changeLogLimit });
}

/** An error the store raised because the database could not serve the request (a 503). */
const unavailable = { code: "unavailable" };

function rawConnection(file: string): Database.Database {
  const db = new Database(file);
  toClose.push(db);
  return db;
}

const ctx = { device: "device-aaaa", requestId: "r1" };

describe("SqliteStore", () => {
  it("puts the file in WAL mode and records the schema version", async () => {
    const { file } = await openStore();
    const raw = rawConnection(file);
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(raw.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
  });

  it("works on an in-memory database", async () => {
    const { store, todos } = await openStore(":memory:");
    const user = await store.users.create({ email: "a@example.com", passwordHash: "h" });
    await todos.create(user.id, { id: randomUUID(), text: "x" }, ctx);
    expect((await todos.list(user.id)).seq).toBe(1);
  });

  it("refuses a database written by a newer schema", async () => {
    const file = path.join(dir, `${randomUUID()}.db`);
    const raw = rawConnection(file);
    raw.pragma("user_version = 999");
    const store = new SqliteStore({ file });
    toClose.push(store);
    await expect(store.init()).rejects.toThrow(/newer than this build/);
  });

  it("enforces foreign keys: no token for a user that does not exist", async () => {
    const { store } = await openStore();
    const now = new Date().toISOString();
    await expect(store.tokens.create({ userId: "ghost", name: "x", tokenHash: "h", createdAt: now, expiresAt: now }, { maxLive: 50, now })).rejects.toMatchObject({
      code: "SQLITE_CONSTRAINT_FOREIGNKEY",
    });
  });

  it("takes seqs in order within a group commit, and a write that fails in it gives its seq back", async () => {
    const { store, todos, file } = await openStore();
    const user = await store.users.create({ email: "batch@example.com", passwordHash: "h" });
    const raw = rawConnection(file);
    raw.exec(`CREATE TRIGGER refuse_one BEFORE INSERT ON events WHEN NEW.entry LIKE '%"text":"refused"%'
              BEGIN SELECT RAISE(ABORT, 'planted failure'); END`);
    // Queued in one turn of the event loop, so the three share one transaction (see #commitQueued).
    const outcomes = await Promise.allSettled(
      ["first", "refused", "third"].map((text) => todos.create(user.id, { id: randomUUID(), text }, ctx)),
    );
    expect(outcomes.map((o) => (o.status === "fulfilled" ? o.value.event?.meta.seq : "rejected"))).toEqual([1, "rejected", 2]);
    expect((await todos.list(user.id)).todos.map((t) => t.text)).toEqual(["first", "third"]);
    expect((await todos.changesSince(user.id, 0)).events.map((e) => e.meta.seq)).toEqual([1, 2]);
  });

  it("commits a change, its seq and its event together or not at all", async () => {
    const { store, todos, file } = await openStore();
    const user = await store.users.create({ email: "a@example.com", passwordHash: "h" });
    // Make the event insert, the last step of a create, fail mid-transaction.
    const raw = rawConnection(file);
    raw.exec("CREATE TRIGGER refuse_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'planted failure'); END");

    await expect(todos.create(user.id, { id: randomUUID(), text: "x" }, ctx)).rejects.toMatchObject({
      code: "SQLITE_CONSTRAINT_TRIGGER",
    });
    // Neither the todo nor its seq survived.
    expect(await todos.list(user.id)).toEqual({ todos: [], seq: 0 });
  });

  it("answers StoreUnavailableError when another process holds the write lock past busy_timeout", async () => {
    const { store, file } = await openStore(undefined, 50);
    const raw = rawConnection(file);
    raw.exec("BEGIN IMMEDIATE");
    try {
      const attempt = store.users.create({ email: "b@example.com", passwordHash: "h" });
      await expect(attempt).rejects.toMatchObject(unavailable);
      await expect(attempt).rejects.toMatchObject({ code: "unavailable", cause: { code: "SQLITE_BUSY" } });
    } finally {
      raw.exec("ROLLBACK");
    }
    await expect(store.users.create({ email: "b@example.com", passwordHash: "h" })).resolves.toMatchObject({
      email: "b@example.com",
    });
  });

  describe("a todo write that finds another process holding the write lock", () => {
    // The "other process" is a second connection in this one: a write that slept in SQLite's busy
    // handler would freeze this event loop, so the release below could never run before it
    // gave up. Passing shows the wait leaves the event loop free.
    const releaseAfter = (raw: Database.Database, ms: number) =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          raw.exec("COMMIT");
          resolve();
        }, ms),
      );

    it("waits without blocking the event loop, serves reads meanwhile, and commits once it is free", async () => {
      const { store, todos, file } = await openStore(undefined, 5_000);
      const user = await store.users.create({ email: "a@example.com", passwordHash: "h" });
      const raw = rawConnection(file);
      raw.exec("BEGIN IMMEDIATE");
      const writes = ["one", "two", "three"].map((text) => todos.create(user.id, { id: randomUUID(), text }, ctx));
      let settled = false;
      void Promise.allSettled(writes).then(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(settled).toBe(false);
      expect(await todos.list(user.id)).toEqual({ todos: [], seq: 0 });
      // Queued behind the waiting ones: committed with them, after them.
      writes.push(todos.create(user.id, { id: randomUUID(), text: "four" }, ctx));

      await releaseAfter(raw, 20);
      const done = await Promise.all(writes);
      expect(done.map(({ event }) => event?.meta.seq)).toEqual([1, 2, 3, 4]);
      expect((await todos.list(user.id)).todos.map((todo) => todo.text)).toEqual(["one", "two", "three", "four"]);
    });

    it("fails with StoreUnavailableError once busy_timeout has passed, and the next write goes through", async () => {
      const { store, todos, file } = await openStore(undefined, 100);
      const user = await store.users.create({ email: "a@example.com", passwordHash: "h" });
      const raw = rawConnection(file);
      raw.exec("BEGIN IMMEDIATE");
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 5);
      try {
        const attempt = todos.create(user.id, { id: randomUUID(), text: "x" }, ctx);
        await expect(attempt).rejects.toMatchObject(unavailable);
        await expect(attempt).rejects.toMatchObject({ code: "unavailable", cause: { code: "SQLITE_BUSY" } });
        // The event loop kept turning while the write waited.
        expect(ticks).toBeGreaterThan(3);
      } finally {
        clearInterval(ticker);
        raw.exec("ROLLBACK");
      }
      const later = await todos.create(user.id, { id: randomUUID(), text: "y" }, ctx);
      expect(later.event?.meta.seq).toBe(1);
    });

    it("gives a write that joined the queue during the wait a whole busy_timeout of its own", async () => {
      const { store, todos, file } = await openStore(undefined, 600);
      const user = await store.users.create({ email: "a@example.com", passwordHash: "h" });
      const raw = rawConnection(file);
      raw.exec("BEGIN IMMEDIATE");
      const first = todos.create(user.id, { id: randomUUID(), text: "first" }, ctx);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const second = todos.create(user.id, { id: randomUUID(), text: "second" }, ctx);
      await expect(first).rejects.toMatchObject(unavailable);
      // The first gave up after its 600 ms; the second, queued 300 ms in, is still waiting.
      raw.exec("COMMIT");
      await expect(second).resolves.toMatchObject({ todo: { text: "second" }, event: { meta: { seq: 1 } } });
    });

    it("lets the session purge skip a turn rather than wait", async () => {
      const { store, file } = await openStore(undefined, 5_000);
      const user = await store.users.create({ email: "a@example.com", passwordHash: "h" });
      await store.sessions.create({ id: "expired", userId: user.id, signedInAt: 1, expiresAt: 2, deviceId: "d", name: "n", createdAt: 1, lastSeenAt: 1 });
      const raw = rawConnection(file);
      raw.exec("BEGIN IMMEDIATE");
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 5);
      await new Promise((resolve) => setTimeout(resolve, 30));
      const before = ticks;
      expect(await store.sessions.deleteExpired(Date.now())).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 30));
      clearInterval(ticker);
      // Answered at once: the timer kept ticking rather than the purge sleeping for busy_timeout.
      expect(ticks).toBeGreaterThan(before);
      raw.exec("COMMIT");
      expect(await store.sessions.deleteExpired(Date.now())).toBe(1);
    });

    it("leaves the rarer writes to SQLite's busy handler, which waits for another process to let go", async () => {
      const { store, file } = await openStore(undefined, 5_000);
      const holder = await holdWriteLock(file, 150);
      await expect(store.users.create({ email: "waited@example.com", passwordHash: "h" })).resolves.toMatchObject({ email: "waited@example.com" });
      await holder.exited;
    });

    it("is committed by close(), which waits for the lock as SQLite does", async () => {
      const { store, todos, file } = await openStore(undefined, 5_000);
      const user = await store.users.create({ email: "a@example.com", passwordHash: "h" });
      const holder = await holdWriteLock(file, 150);
      const attempt = todos.create(user.id, { id: randomUUID(), text: "kept" }, ctx);
      await new Promise((resolve) => setTimeout(resolve, 20));
      // Still holding: close() itself has to wait for the lock, in SQLite's busy handler.
      await store.close();
      await expect(attempt).resolves.toMatchObject({ todo: { text: "kept" } });
      await holder.exited;
      const reopened = await openStore(file);
      expect((await reopened.todos.list(user.id)).todos.map((todo) => todo.text)).toEqual(["kept"]);
    });
  });

  it("close() is idempotent, and afterwards reads and writes fail as unavailable (503), not as bugs", async () => {
    const { store, todos } = await openStore();
    const user = await store.users.create({ email: "late@example.com", passwordHash: "h" });
    await store.close();
    await store.close();
    await expect(store.ping()).rejects.toMatchObject(unavailable);
    await expect(store.users.findById(user.id)).rejects.toMatchObject(unavailable);
    // Reads in a transaction: the TODO list and a socket's catch-up.
    await expect(todos.list(user.id)).rejects.toMatchObject(unavailable);
    await expect(todos.changesSince(user.id, 0)).rejects.toMatchObject(unavailable);
    await expect(todos.create(user.id, { id: randomUUID(), text: "too late" }, ctx)).rejects.toMatchObject(unavailable);
  });

  it("refuses work before init() with a plain error: that is the caller's bug", async () => {
    const store = new SqliteStore({ file: ":memory:" });
    toClose.push(store);
    await expect(store.ping()).rejects.toThrow(/before init\(\)/);
  });
});

describe("sqliteErrors.toStoreError", () => {
  it("maps busy, locked and I/O failures to StoreUnavailableError and passes the rest through", () => {
    for (const code of ["SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_LOCKED", "SQLITE_IOERR_WRITE", "SQLITE_FULL"]) {
      expect(toStoreError(new Database.SqliteError("x", code))).toMatchObject(unavailable);
    }
    const unique = new Database.SqliteError("UNIQUE constraint failed", "SQLITE_CONSTRAINT_UNIQUE");
    expect(toStoreError(unique)).toBe(unique);
    // Matched by code: a message that merely mentions "busy" is not unavailability.
    const plain = new Error("SQLITE_BUSY");
    expect(toStoreError(plain)).toBe(plain);
  });

  it("isBusy: SQLITE_BUSY and its extended codes, by code only", () => {
    expect(isBusy(new Database.SqliteError("x", "SQLITE_BUSY"))).toBe(true);
    expect(isBusy(new Database.SqliteError("x", "SQLITE_BUSY_RECOVERY"))).toBe(true);
    expect(isBusy(new Database.SqliteError("x", "SQLITE_LOCKED"))).toBe(false);
    expect(isBusy(new Error("SQLITE_BUSY"))).toBe(false);
  });
});

describe("SqliteStore housekeeping", () => {
  it("trims the change log lazily: never more than changeLogLimit + 32 rows, never handed out", async () => {
    const { store, file } = await openStore();
    const todos = todosOn(store, 5);
    const user = await store.users.create({ email: "trim@example.com", passwordHash: "h" });
    const raw = rawConnection(file);
    const rows = () => raw.prepare("SELECT count(*) FROM events WHERE user_id = ?").pluck().get(user.id) as number;
    let most = 0;
    for (let i = 0; i < 100; i++) {
      await todos.create(user.id, { id: randomUUID(), text: `t${i}` }, ctx);
      most = Math.max(most, rows());
    }
    expect(most).toBeGreaterThan(5);
    expect(most).toBeLessThanOrEqual(5 + 32);
    const { events, complete } = await todos.changesSince(user.id, 0);
    expect(complete).toBe(false);
    expect(events.map((e) => e.meta.seq)).toEqual([96, 97, 98, 99, 100]);
  });

  /** A version-2 database as its store left it: u1 made 7 changes, of which the log kept the last 3. */
  function versionTwoDatabase(counterOfU1 = 7) {
    const file = path.join(dir, `${randomUUID()}.db`);
    const raw = rawConnection(file);
    migrate(raw, 2);
    raw.prepare("INSERT INTO users (id, email, password_hash, created_at) VALUES ('u1', 'old@example.com', 'h', 'then')").run();
    raw.prepare("INSERT INTO users (id, email, password_hash, created_at) VALUES ('u2', 'quiet@example.com', 'h', 'then')").run();
    raw.prepare("UPDATE users SET seq = ? WHERE id = 'u1'").run(counterOfU1);
    for (const seq of [5, 6, 7]) {
      const event = deleteEvent("u1", randomUUID(), seq, { device: null, requestId: `r${seq}` });
      raw.prepare("INSERT INTO events (user_id, seq, event_json) VALUES ('u1', ?, ?)").run(seq, JSON.stringify(event));
    }
    return { file, raw };
  }
  const userColumns = (raw: Database.Database) => raw.prepare("SELECT name FROM pragma_table_info('users')").pluck().all();

  it("upgrades a version-2 database: the counter column goes, and each seq continues from the change log", async () => {
    const { file, raw } = versionTwoDatabase();
    const { todos } = await openStore(file);
    expect(raw.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(userColumns(raw)).not.toContain("seq");
    expect((await todos.list("u1")).seq).toBe(7);
    expect((await todos.list("u2")).seq).toBe(0);
    const { event } = await todos.create("u1", { id: randomUUID(), text: "after the upgrade" }, ctx);
    expect(event?.meta.seq).toBe(8);
    expect((await todos.changesSince("u1", 7)).events.map((e) => e.meta.seq)).toEqual([8]);
  });

  it("refuses to upgrade a version-2 database whose counter and change log disagree, and leaves it as it was", async () => {
    // Seqs up to 999 were handed out but the log ends at 7 (events deleted by hand): dropping the
    // counter would hand out 8..999 again to clients that have already seen them.
    const { file, raw } = versionTwoDatabase(999);
    await expect(openStore(file)).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_CHECK" });
    expect(raw.pragma("user_version", { simple: true })).toBe(2);
    expect(userColumns(raw)).toContain("seq");
  });

  it("upgrades a version-3 change log to compact entries, and catch-up still hands out each event as it was sent", async () => {
    const file = path.join(dir, `${randomUUID()}.db`);
    const raw = rawConnection(file);
    migrate(raw, 3);
    raw.prepare("INSERT INTO users (id, email, password_hash, created_at) VALUES ('u1', 'old@example.com', 'h', 'then')").run();
    const todo: Todo = {
      id: randomUUID(),
      text: 'with "quotes", \\ and ✓ and a lone \ud800',
      done: true,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-02T00:00:00.000Z",
      device: null,
      userId: "u1",
      objectType: TODO_OBJECT_TYPE,
      version: 2,
    };
    // The full events, as the version-3 store wrote them.
    const old = [
      upsertEvent("create", { ...todo, done: false, version: 1 }, 1, { device: null, requestId: "r1" }),
      upsertEvent("update", { ...todo, device: "device-aaaa", version: 3 }, 2, { device: "device-aaaa", requestId: "r2" }),
      upsertEvent("update", todo, 3, { device: null, requestId: "r3" }),
      deleteEvent("u1", todo.id, 4, { device: "device-bbbb", requestId: "r4" }),
    ];
    for (const e of old) raw.prepare("INSERT INTO events (user_id, seq, event_json) VALUES ('u1', ?, ?)").run(e.meta.seq, JSON.stringify(e));
    const { todos } = await openStore(file);
    expect(raw.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const { events } = await todos.changesSince("u1", 0);
    expect(events.map((e) => JSON.stringify(e))).toEqual(old.map((e) => JSON.stringify(e)));
    const { event } = await todos.create("u1", { id: randomUUID(), text: "after" }, ctx);
    expect(event?.meta.seq).toBe(5);
  });

  it("refuses to upgrade a version-3 change log holding a row that is not a whole event, and leaves it as it was", async () => {
    const file = path.join(dir, `${randomUUID()}.db`);
    const raw = rawConnection(file);
    migrate(raw, 3);
    raw.prepare("INSERT INTO users (id, email, password_hash, created_at) VALUES ('u1', 'old@example.com', 'h', 'then')").run();
    raw.prepare(`INSERT INTO events (user_id, seq, event_json) VALUES ('u1', 1, '{"meta":{"eventName":"update"},"object":{}}')`).run();
    await expect(openStore(file)).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_CHECK" });
    expect(raw.pragma("user_version", { simple: true })).toBe(3);
    expect(raw.prepare("SELECT event_json FROM events").pluck().get()).toBe('{"meta":{"eventName":"update"},"object":{}}');
  });

  it("upgrades a version-1 database: express-session's table is replaced by browser_sessions", async () => {
    const file = path.join(dir, `${randomUUID()}.db`);
    const raw = rawConnection(file);
    migrate(raw, 1);
    raw.prepare("INSERT INTO users (id, email, password_hash, created_at) VALUES ('u1', 'old@example.com', 'h', 'then')").run();
    raw.prepare("INSERT INTO sessions (sid, sess, expires) VALUES ('old', '{}', ?)").run(Date.now() + 60_000);
    const { store } = await openStore(file);
    expect(await store.users.findById("u1")).toEqual({ id: "u1", email: "old@example.com" });
    const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    expect(tables).toContain("browser_sessions");
    expect(tables).not.toContain("sessions");
    expect(raw.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(await store.sessions.find("anything", Date.now())).toBeNull();
  });
});

describe("background WAL checkpoints", () => {
  /** Pages reach the database file only through a checkpoint; until then they live in the WAL. */
  async function writeAndWatch(backgroundCheckpoints: boolean) {
    const file = path.join(dir, `${randomUUID()}.db`);
    const { store, todos } = await openStore(file, undefined, { backgroundCheckpoints });
    const user = await store.users.create({ email: "wal@example.com", passwordHash: "h" });
    const before = statSync(file).size;
    // A few hundred WAL frames: under SQLite's own automatic threshold of 1,000 pages.
    for (let i = 0; i < 100; i++) await todos.create(user.id, { id: randomUUID(), text: `t${i}` }, ctx);
    let after = before;
    for (let tries = 0; tries < 40 && after === before; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = statSync(file).size;
    }
    return { store, file, before, after };
  }

  it("copy the WAL into the database from a worker, not inside commits", async () => {
    const without = await writeAndWatch(false);
    expect(without.after).toBe(without.before);
    const withWorker = await writeAndWatch(true);
    expect(withWorker.after).toBeGreaterThan(withWorker.before);
    await withWorker.store.close();
    // The store's connections closed cleanly: the last one removed the WAL.
    expect(existsSync(`${withWorker.file}-wal`)).toBe(false);
  });

  it("reports a worker that fails, and stops without waiting for it", async () => {
    const failures: Error[] = [];
    const checkpointer = new WalCheckpointer({
      file: path.join(dir, "no-such-dir", "x.db"),
      intervalMs: 10,
      onFailure: (err) => failures.push(err),
    });
    for (let tries = 0; tries < 100 && failures.length === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(failures).toHaveLength(1);
    expect(failures[0]?.message).toMatch(/cannot open database/i);
    await checkpointer.stop();
  });
});

describe("group commit", () => {
  it("commits writes queued in one turn in order; one that fails fails alone and takes no seq", async () => {
    const { store, todos } = await openStore();
    const user = await store.users.create({ email: "g1@example.com", passwordHash: "h" });
    const other = await store.users.create({ email: "g2@example.com", passwordHash: "h" });
    const taken = randomUUID();
    await todos.create(other.id, { id: taken, text: "theirs" }, ctx);
    const [a, b, c] = await Promise.allSettled([
      todos.create(user.id, { id: randomUUID(), text: "a" }, ctx),
      todos.create(user.id, { id: taken, text: "b" }, ctx),
      todos.create(user.id, { id: randomUUID(), text: "c" }, ctx),
    ]);
    expect(a.status === "fulfilled" && a.value.event?.meta.seq).toBe(1);
    expect(b.status === "rejected" && b.reason).toBeInstanceOf(AppError);
    expect(b.status === "rejected" && b.reason).toMatchObject({ code: "id_taken" });
    expect(c.status === "fulfilled" && c.value.event?.meta.seq).toBe(2);
    expect((await todos.list(user.id)).todos.map((t) => t.text)).toEqual(["a", "c"]);
    expect((await todos.changesSince(user.id, 0)).events.map((e) => e.meta.seq)).toEqual([1, 2]);
  });

  it("fails every write of a commit that cannot happen, and keeps none of them", async () => {
    const { store, todos, file } = await openStore(undefined, 50);
    const user = await store.users.create({ email: "g3@example.com", passwordHash: "h" });
    const raw = rawConnection(file);
    raw.exec("BEGIN IMMEDIATE");
    let results: PromiseSettledResult<unknown>[];
    try {
      results = await Promise.allSettled([
        todos.create(user.id, { id: randomUUID(), text: "a" }, ctx),
        todos.create(user.id, { id: randomUUID(), text: "b" }, ctx),
      ]);
    } finally {
      raw.exec("ROLLBACK");
    }
    expect(results.map((r) => r.status === "rejected" && r.reason instanceof AppError && r.reason.code === "unavailable")).toEqual([true, true]);
    expect(await todos.list(user.id)).toEqual({ todos: [], seq: 0 });
  });

  it("commits what was queued before close() instead of dropping it", async () => {
    const { store, todos, file } = await openStore();
    const user = await store.users.create({ email: "g4@example.com", passwordHash: "h" });
    const write = todos.create(user.id, { id: randomUUID(), text: "last words" }, ctx);
    await store.close();
    await expect(write).resolves.toMatchObject({ todo: { text: "last words" } });
    const { store: reopened } = await openStore(file);
    expect((await todosOn(reopened).list(user.id)).todos.map((t) => t.text)).toEqual(["last words"]);
  });
});

describe("group commit when the whole transaction rolls back", () => {
  it("fails every write of the batch and keeps none, not even those after the failure", async () => {
    const { store, todos, file } = await openStore();
    const user = await store.users.create({ email: "g5@example.com", passwordHash: "h" });
    // A failure that ends the whole transaction, as a full disk or an I/O error would.
    const raw = rawConnection(file);
    raw.exec("CREATE TRIGGER boom BEFORE INSERT ON todos WHEN NEW.text = 'boom' BEGIN SELECT RAISE(ROLLBACK, 'boom'); END");
    const results = await Promise.allSettled(
      ["a", "boom", "c"].map((text) => todos.create(user.id, { id: randomUUID(), text }, ctx)),
    );
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(await todos.list(user.id)).toEqual({ todos: [], seq: 0 });
    expect((await todos.changesSince(user.id, 0)).events).toEqual([]);
    // The store still works afterwards.
    await expect(todos.create(user.id, { id: randomUUID(), text: "d" }, ctx)).resolves.toMatchObject({ todo: { text: "d" } });
  });
});
