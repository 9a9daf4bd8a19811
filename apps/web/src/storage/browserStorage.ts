import { browserDrainLock, inTabLock, type DrainLock } from "../sync/drainLock";
import { indexedDbListCache, NO_LIST_CACHE, type CachedList, type ListCache } from "../sync/listCache";
import { browserOutboxChannel, type OutboxChannel, type OutboxMessage } from "../sync/outboxChannel";
import { indexedDbOutbox, memoryOutbox, type OutboxStore } from "../sync/outboxStore";
import type { BrowserDb } from "./browserDb";

/**
 * Everything the signed-in life of a tab keeps in, or shares through, the browser: the user's
 * outbox, their last list, who signed in last, and how tabs of one user coordinate. Each piece
 * is per user: nothing of one user's is ever read while another is signed in.
 */
export interface BrowserStorage {
  outboxFor(userId: string): OutboxStore;
  readonly lists: ListCache;
  /** Who was signed in when this browser last showed a list (null: nobody, or signed out). */
  lastUserId(): string | null;
  setLastUserId(userId: string | null): void;
  drainLockFor(userId: string): DrainLock;
  openChannel(userId: string, onMessage: (message: OutboxMessage) => void): OutboxChannel | null;
}

/** localStorage key of the last signed-in user's id: which list to show at once on the next start. */
export const LAST_USER_KEY = "tandem.lastUser";

/**
 * The browser's own storage: IndexedDB (opened by `db`, resolving null where it is missing, in
 * which case the outbox lives in the tab's memory and no list is kept), Web Locks, BroadcastChannel.
 */
export function browserStorage(db: Promise<BrowserDb | null>): BrowserStorage {
  const memory = new Map<string, OutboxStore>();
  return {
    outboxFor(userId) {
      const ready = db.then((opened) => (opened === null ? (memory.get(userId) ?? memory.set(userId, memoryOutbox()).get(userId)!) : indexedDbOutbox(opened, userId)));
      return {
        all: async () => (await ready).all(),
        add: async (write) => (await ready).add(write),
        acknowledged: async (writeId, result) => (await ready).acknowledged(writeId, result),
        failed: async (writeId, failure) => (await ready).failed(writeId, failure),
        retry: async (writeId) => (await ready).retry(writeId),
        discard: async (writeId) => (await ready).discard(writeId),
        clear: async () => (await ready).clear(),
      };
    },
    lists: {
      load: async (userId) => listCacheOf(await db).load(userId),
      save: async (list: CachedList) => listCacheOf(await db).save(list),
      clear: async (userId) => listCacheOf(await db).clear(userId),
    },
    lastUserId: () => readLocal(LAST_USER_KEY),
    setLastUserId: (userId) => writeLocal(LAST_USER_KEY, userId),
    drainLockFor: (userId) => browserDrainLock(userId),
    openChannel: (userId, onMessage) => browserOutboxChannel(userId, onMessage),
  };
}

/** In memory only, for unit tests: one "browser" that lives as long as this object. */
export function memoryBrowserStorage(): BrowserStorage {
  const outboxes = new Map<string, OutboxStore>();
  const lists = new Map<string, CachedList>();
  let lastUser: string | null = null;
  return {
    outboxFor: (userId) => outboxes.get(userId) ?? outboxes.set(userId, memoryOutbox()).get(userId)!,
    lists: {
      load: async (userId) => lists.get(userId) ?? null,
      save: async (list) => void lists.set(list.user.id, list),
      clear: async (userId) => void lists.delete(userId),
    },
    lastUserId: () => lastUser,
    setLastUserId: (userId) => {
      lastUser = userId;
    },
    drainLockFor: () => inTabLock(),
    openChannel: () => null,
  };
}

function listCacheOf(db: BrowserDb | null): ListCache {
  return db === null ? NO_LIST_CACHE : indexedDbListCache(db);
}

function readLocal(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function writeLocal(key: string, value: string | null): void {
  try {
    if (value === null) globalThis.localStorage?.removeItem(key);
    else globalThis.localStorage?.setItem(key, value);
  } catch {
    // Storage refused (private mode, quota): the next start simply waits for the server.
  }
}
