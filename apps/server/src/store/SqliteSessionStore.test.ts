import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionData } from "express-session";
import { SqliteStore } from "./SqliteStore.js";

// What the session store does beyond the contract's get/set/touch/destroy.

function callback<T>(fn: (cb: (err?: unknown, value?: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

function sess(expiresInMs: number | null, data: Record<string, unknown> = {}): SessionData {
  return {
    cookie: {
      originalMaxAge: expiresInMs,
      expires: expiresInMs === null ? null : new Date(Date.now() + expiresInMs),
      path: "/",
    },
    ...data,
  };
}

describe("SqliteSessionStore", () => {
  let store: SqliteStore;

  beforeEach(async () => {
    store = new SqliteStore({ file: ":memory:", changeLogLimit: 10, sessionTtlMs: 60_000 });
    await store.init();
  });

  afterEach(async () => {
    vi.useRealTimers();
    await store.close();
  });

  const set = (sid: string, s: SessionData) => callback<void>((cb) => store.sessions.set(sid, s, cb));
  const get = (sid: string) => callback<SessionData | null>((cb) => store.sessions.get(sid, cb));

  it("counts, lists and clears live sessions only", async () => {
    await set("a", sess(60_000, { n: 1 }));
    await set("b", sess(60_000, { n: 2 }));
    await set("gone", sess(-1_000));
    expect(await callback<number>((cb) => store.sessions.length(cb))).toBe(2);
    const all = await callback<{ [sid: string]: SessionData } | null>((cb) => store.sessions.all(cb));
    expect(Object.keys(all ?? {}).sort()).toEqual(["a", "b"]);
    await callback<void>((cb) => store.sessions.clear(cb));
    expect(await callback<number>((cb) => store.sessions.length(cb))).toBe(0);
  });

  it("purges expired rows", async () => {
    await set("live", sess(60_000));
    await set("dead", sess(-1_000));
    expect(store.sessions.purgeExpired()).toBe(1);
    expect(store.sessions.purgeExpired()).toBe(0);
    expect(await get("live")).not.toBeNull();
  });

  it("expires a session without a cookie expiry after sessionTtlMs", async () => {
    await set("browser-session", sess(null, { userId: "u1" }));
    expect(await get("browser-session")).toMatchObject({ userId: "u1" });
    // Purging as of just after the TTL removes it; just before, it stays.
    expect(store.sessions.purgeExpired(Date.now() + 59_000)).toBe(0);
    expect(store.sessions.purgeExpired(Date.now() + 61_000)).toBe(1);
  });

  it("stores the refreshed cookie on touch", async () => {
    await set("a", sess(60_000, { userId: "u1" }));
    const later = sess(120_000, { userId: "ignored" });
    await callback<void>((cb) => store.sessions.touch("a", later, cb));
    const got = await get("a");
    // Only the cookie is refreshed; the session's data is left as it was stored.
    expect(got).toMatchObject({ userId: "u1", cookie: { originalMaxAge: 120_000 } });
    expect(got?.cookie.expires).toBe(later.cookie.expires?.toISOString());
  });

  it("purges on an unref'd timer that close() stops", async () => {
    vi.useFakeTimers();
    const timed = new SqliteStore({
      file: ":memory:",
      changeLogLimit: 10,
      sessionTtlMs: 60_000,
      sessionPurgeIntervalMs: 1_000,
    });
    await timed.init();
    const purge = vi.spyOn(timed.sessions, "purgeExpired");
    vi.advanceTimersByTime(3_000);
    expect(purge).toHaveBeenCalledTimes(3);
    await timed.close();
    vi.advanceTimersByTime(3_000);
    expect(purge).toHaveBeenCalledTimes(3);
  });

  it("reports errors through the callback, after the caller returned", async () => {
    await store.close();
    let returned = false;
    const result = callback<SessionData | null>((cb) => {
      store.sessions.get("a", cb);
      returned = true;
    });
    await expect(result).rejects.toThrow(/after the store's close\(\)/);
    expect(returned).toBe(true);
  });
});

describe("touch resolution", () => {
  it("rewrites a session only when the touch moves its expiry by more than the resolution", async () => {
    const { SqliteSessionStore } = await import("./SqliteSessionStore.js");
    const Database = (await import("better-sqlite3")).default;
    const db = new Database(":memory:");
    db.exec("CREATE TABLE sessions (sid TEXT PRIMARY KEY, sess TEXT NOT NULL, expires INTEGER NOT NULL)");
    const store = new SqliteSessionStore(db, { ttlMs: 60_000, touchResolutionMs: 1_000 });
    store.start();
    const at = (ms: number) => ({ cookie: { originalMaxAge: 60_000, expires: new Date(ms), path: "/" } });
    const expiresOf = () => (db.prepare("SELECT expires FROM sessions WHERE sid = 's'").get() as { expires: number }).expires;
    const base = Date.now() + 60_000;
    await new Promise<void>((resolve) => store.set("s", at(base), () => resolve()));
    await new Promise<void>((resolve) => store.touch("s", at(base + 500), () => resolve()));
    expect(expiresOf()).toBe(base);
    await new Promise<void>((resolve) => store.touch("s", at(base + 1_500), () => resolve()));
    expect(expiresOf()).toBe(base + 1_500);
    store.stop();
    db.close();
  });
});
