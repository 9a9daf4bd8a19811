import type { Todo, User } from "@tandem/protocol";
import type { BrowserDb } from "../storage/browserDb";

/** The last list this user saw in this browser, and the seq it was current at. */
export interface CachedList {
  readonly user: User;
  readonly todos: readonly Todo[];
  readonly seq: number;
  readonly savedAt: number;
}

/**
 * Keeps the last list a user saw, so the next start shows it at once (marked not yet live) and
 * catches up from its seq instead of waiting for the network. Cleared at sign-out.
 */
export interface ListCache {
  load(userId: string): Promise<CachedList | null>;
  save(list: CachedList): Promise<void>;
  clear(userId: string): Promise<void>;
}

export function indexedDbListCache(db: BrowserDb): ListCache {
  return {
    async load(userId) {
      const row = await db.get("lists", userId);
      return row === undefined ? null : { user: row.user, todos: row.todos, seq: row.seq, savedAt: row.savedAt };
    },
    async save(list) {
      await db.put("lists", { userId: list.user.id, user: list.user, todos: [...list.todos], seq: list.seq, savedAt: list.savedAt });
    },
    async clear(userId) {
      await db.delete("lists", userId);
    },
  };
}

/** Where IndexedDB is missing: nothing is kept, and every start waits for the network. */
export const NO_LIST_CACHE: ListCache = {
  load: async () => null,
  save: async () => {},
  clear: async () => {},
};
