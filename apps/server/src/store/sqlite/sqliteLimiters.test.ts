import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { SqliteConnection } from "./connection.js";
import { SqliteLimiters } from "./sqliteLimiters.js";
import { SqliteStore } from "./SqliteStore.js";
import { holdWriteLock } from "../../../test/holdWriteLock.js";

// SQLite-only behaviour of the rate-limit counters; what every adapter must do is in
// contract/limiters.contract.ts.

const dir = mkdtempSync(path.join(tmpdir(), "tandem-sqlite-limiters-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const toClose: { close(): unknown }[] = [];
afterEach(async () => {
  for (const c of toClose.splice(0).reverse()) await c.close();
});

let files = 0;
const newFile = () => path.join(dir, `limits-${++files}.db`);

/** How many counter rows the file holds for `key` (as the library stores it: `prefix:key`). */
function rowsInFile(file: string, key: string): number {
  const raw = new Database(file, { readonly: true });
  try {
    return raw.prepare<[string], number>("SELECT count(*) FROM rate_limits WHERE key = ?").pluck().get(key) ?? 0;
  } finally {
    raw.close();
  }
}

function openConnection(file: string): SqliteConnection {
  const connection = new SqliteConnection(file, 5_000);
  connection.open(() => {});
  toClose.push(connection);
  return connection;
}

describe("SQLite rate-limit counters", () => {
  it("count in memory, without waiting, while another process holds the write lock", async () => {
    const file = newFile();
    // A long busy_timeout: a count that waited for the lock in SQLite's busy handler would get it
    // once the holder lets go, and be written to the file.
    const store = new SqliteStore({ file, busyTimeoutMs: 5_000 });
    toClose.push(store);
    await store.init();
    const limiter = store.limiters("held", 5, 600);

    const holder = await holdWriteLock(file, 1_000);
    expect((await limiter.consume("k")).consumedPoints).toBe(1);
    await holder.exited;
    expect(rowsInFile(file, "held:k")).toBe(0);

    // With the lock free again, counts go to the file.
    expect((await limiter.consume("other")).consumedPoints).toBe(1);
    expect(rowsInFile(file, "held:other")).toBe(1);
  });

  it("purges the counters whose window has ended, and only those", async () => {
    const file = newFile();
    const limits = new SqliteLimiters(openConnection(file));
    await limits.make("short", 5, 1).consume("k");
    await limits.make("long", 5, 600).consume("k");
    expect(limits.deleteExpired(Date.now())).toBe(0);
    expect(limits.deleteExpired(Date.now() + 2_000)).toBe(1);
    expect(rowsInFile(file, "short:k")).toBe(0);
    expect(rowsInFile(file, "long:k")).toBe(1);
  });

  it("skips a purge rather than wait while another connection holds the write lock", async () => {
    const file = newFile();
    const limits = new SqliteLimiters(openConnection(file));
    await limits.make("short", 5, 1).consume("k");
    const raw = new Database(file);
    toClose.push(raw);
    raw.exec("BEGIN IMMEDIATE");
    expect(limits.deleteExpired(Date.now() + 2_000)).toBe(0);
    raw.exec("COMMIT");
    expect(limits.deleteExpired(Date.now() + 2_000)).toBe(1);
  });
});
