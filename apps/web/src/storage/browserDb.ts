import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import type { Todo, User } from "@tandem/protocol";
import type { PendingWrite, WriteFailure } from "../state/pendingWrite";

/** One queued write of one user, in the order it was made (`order`, given by IndexedDB). */
export interface OutboxRow {
  order?: number;
  userId: string;
  write: PendingWrite;
  failure: WriteFailure | null;
}

/** The last list a user saw, and the seq it was current at. */
export interface ListRow {
  userId: string;
  user: User;
  todos: Todo[];
  seq: number;
  savedAt: number;
}

interface TandemDb extends DBSchema {
  outbox: { key: number; value: OutboxRow; indexes: { user: string } };
  lists: { key: string; value: ListRow };
}

/**
 * The app's one IndexedDB database, `tandem`: what this browser keeps between visits (README,
 * "What the browser keeps"). Every row carries its user's id and is only ever read by that user.
 */
export type BrowserDb = IDBPDatabase<TandemDb>;

export const BROWSER_DB_NAME = "tandem";

/** Opens the database, or resolves null where IndexedDB is missing or refused (some private modes). */
export async function openBrowserDb(factory: IDBFactory | undefined = globalThis.indexedDB): Promise<BrowserDb | null> {
  if (factory === undefined) return null;
  try {
    // `openDB` uses the global indexedDB; a test passes fake-indexeddb's as the global.
    return await openDB<TandemDb>(BROWSER_DB_NAME, 1, {
      upgrade(db) {
        db.createObjectStore("outbox", { keyPath: "order", autoIncrement: true }).createIndex("user", "userId");
        db.createObjectStore("lists", { keyPath: "userId" });
      },
    });
  } catch {
    return null;
  }
}
