import type { BrowserDb, OutboxRow } from "../storage/browserDb";
import { rebaseWrites, writeTarget, type PendingWrite, type WriteFailure, type WriteResult } from "../state/pendingWrite";

/** One entry of the durable outbox: a write, and why it failed for good if it did. */
export interface StoredWrite {
  readonly write: PendingWrite;
  readonly failure: WriteFailure | null;
}

/**
 * One user's outbox, kept where it survives a reload, a closed tab or a killed browser
 * (IndexedDB), and shared by every tab of the browser. Each method is one transaction.
 */
export interface OutboxStore {
  /** Every entry, oldest first. */
  all(): Promise<StoredWrite[]>;
  add(write: PendingWrite): Promise<void>;
  /** The server acknowledged it: removes it and rebases later edits of the same todos. */
  acknowledged(writeId: string, result: WriteResult): Promise<void>;
  failed(writeId: string, failure: WriteFailure): Promise<void>;
  /** Queues a failed write again, in its old place. */
  retry(writeId: string): Promise<void>;
  /** Drops a write (and, for a create, the later writes of the todo it never made). */
  discard(writeId: string): Promise<void>;
  /** Drops every entry of this user (sign-out). */
  clear(): Promise<void>;
}

/**
 * The write to send next: the oldest that has not failed, skipping writes to a todo whose create
 * failed (they wait for that create to be retried, or go with it when it is discarded).
 */
export function nextToSend(entries: readonly StoredWrite[]): PendingWrite | undefined {
  const blocked = new Set<string>();
  for (const { write, failure } of entries) {
    const target = writeTarget(write);
    if (failure !== null) {
      if (write.kind === "create") blocked.add(write.id);
      continue;
    }
    if (target !== null && blocked.has(target)) continue;
    return write;
  }
  return undefined;
}

/** What `discard` removes: the write, and for a create every later write of its todo. */
function discarded(entries: readonly StoredWrite[], writeId: string): Set<string> {
  const ids = new Set([writeId]);
  const write = entries.find((entry) => entry.write.writeId === writeId)?.write;
  if (write?.kind === "create") {
    for (const entry of entries) if (writeTarget(entry.write) === write.id) ids.add(entry.write.writeId);
  }
  return ids;
}

export function indexedDbOutbox(db: BrowserDb, userId: string): OutboxStore {
  const rowsOf = async (tx: { store: { index(name: "user"): { getAll(key: string): Promise<OutboxRow[]> } } }) =>
    (await tx.store.index("user").getAll(userId)).sort((a, b) => (a.order ?? 0) - (b.order ?? 0));

  return {
    async all() {
      const tx = db.transaction("outbox", "readonly");
      return (await rowsOf(tx)).map(({ write, failure }) => ({ write, failure }));
    },
    async add(write) {
      // Strict: the write is on disk before the list shows it, so a crash right after loses nothing.
      const tx = db.transaction("outbox", "readwrite", { durability: "strict" });
      await tx.store.add({ userId, write, failure: null });
      await tx.done;
    },
    async acknowledged(writeId, result) {
      const tx = db.transaction("outbox", "readwrite");
      const rows = await rowsOf(tx);
      const done = rows.find((row) => row.write.writeId === writeId);
      if (done?.order !== undefined) await tx.store.delete(done.order);
      // A failed write keeps its base: the person decides about it as it was refused.
      const rest = rows.filter((row) => row !== done && row.failure === null);
      const rebased = rebaseWrites(rest.map((row) => row.write), result);
      for (const [i, row] of rest.entries()) {
        const write = rebased[i];
        if (write !== undefined && write !== row.write) await tx.store.put({ ...row, write });
      }
      await tx.done;
    },
    async failed(writeId, failure) {
      await updateRow(writeId, (row) => ({ ...row, failure }));
    },
    async retry(writeId) {
      await updateRow(writeId, (row) => ({ ...row, failure: null }));
    },
    async discard(writeId) {
      const tx = db.transaction("outbox", "readwrite");
      const rows = await rowsOf(tx);
      const drop = discarded(rows, writeId);
      for (const row of rows) if (drop.has(row.write.writeId) && row.order !== undefined) await tx.store.delete(row.order);
      await tx.done;
    },
    async clear() {
      const tx = db.transaction("outbox", "readwrite");
      for (const row of await rowsOf(tx)) if (row.order !== undefined) await tx.store.delete(row.order);
      await tx.done;
    },
  };

  async function updateRow(writeId: string, change: (row: OutboxRow) => OutboxRow): Promise<void> {
    const tx = db.transaction("outbox", "readwrite");
    const row = (await rowsOf(tx)).find((r) => r.write.writeId === writeId);
    if (row) await tx.store.put(change(row));
    await tx.done;
  }
}

/** Where IndexedDB is missing: the same outbox in this tab's memory (lost with the tab). */
export function memoryOutbox(): OutboxStore {
  let entries: StoredWrite[] = [];
  return {
    all: async () => [...entries],
    add: async (write) => {
      entries = [...entries, { write, failure: null }];
    },
    acknowledged: async (writeId, result) => {
      const rest = entries.filter((entry) => entry.write.writeId !== writeId);
      const queued = rest.filter((entry) => entry.failure === null);
      const writes = rebaseWrites(queued.map((entry) => entry.write), result);
      const rebased = new Map(queued.map((entry, i) => [entry, writes[i] ?? entry.write]));
      entries = rest.map((entry) => ({ ...entry, write: rebased.get(entry) ?? entry.write }));
    },
    failed: async (writeId, failure) => {
      entries = entries.map((entry) => (entry.write.writeId === writeId ? { ...entry, failure } : entry));
    },
    retry: async (writeId) => {
      entries = entries.map((entry) => (entry.write.writeId === writeId ? { ...entry, failure: null } : entry));
    },
    discard: async (writeId) => {
      const drop = discarded(entries, writeId);
      entries = entries.filter((entry) => !drop.has(entry.write.writeId));
    },
    clear: async () => {
      entries = [];
    },
  };
}

/** A memory outbox holding what `store` still gives (nothing, if it cannot even be read). */
export async function memoryCopyOf(store: OutboxStore): Promise<OutboxStore> {
  const memory = memoryOutbox();
  const entries = await store.all().catch((): StoredWrite[] => []);
  for (const entry of entries) {
    await memory.add(entry.write);
    if (entry.failure !== null) await memory.failed(entry.write.writeId, entry.failure);
  }
  return memory;
}
