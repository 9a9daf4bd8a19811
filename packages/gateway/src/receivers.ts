import type { Receivers } from "@tandem/protocol";

/** `sockets: ["*"]` addresses every socket on every instance. */
export const EVERY_SOCKET = "*";

/** What callers may pass: either list may be left out (it then names nobody). */
export type ReceiversInput = Partial<Receivers>;

/** Anything the index can hold: it only needs a stable id and the tags it was opened with. */
export interface Addressable {
  readonly id: string;
  readonly tags: readonly string[];
}

/** Both lists present and copied, so a message put on the bus has one shape on every instance. */
export function normalizeReceivers(receivers: ReceiversInput): Receivers {
  return { sockets: [...(receivers.sockets ?? [])], tags: [...(receivers.tags ?? [])] };
}

/**
 * The sockets of one instance, indexed by id and by tag, so that addressing a message costs
 * O(matching sockets) rather than a scan of every socket: a user's handful of devices is found
 * among thousands of open sockets by one map lookup.
 */
export class ReceiverIndex<T extends Addressable> {
  readonly #byId = new Map<string, T>();
  readonly #byTag = new Map<string, Set<T>>();

  get size(): number {
    return this.#byId.size;
  }

  /** How many distinct tags have at least one socket. */
  get tagCount(): number {
    return this.#byTag.size;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  get(id: string): T | undefined {
    return this.#byId.get(id);
  }

  all(): IterableIterator<T> {
    return this.#byId.values();
  }

  add(item: T): void {
    if (this.#byId.has(item.id)) throw new Error(`socket id ${item.id} is already indexed`);
    this.#byId.set(item.id, item);
    for (const tag of item.tags) {
      let set = this.#byTag.get(tag);
      if (set === undefined) {
        set = new Set();
        this.#byTag.set(tag, set);
      }
      set.add(item);
    }
  }

  /** Removes `item` if it (not merely another item with its id) is indexed. */
  remove(item: T): void {
    if (this.#byId.get(item.id) !== item) return;
    this.#byId.delete(item.id);
    for (const tag of item.tags) {
      const set = this.#byTag.get(tag);
      if (set === undefined) continue;
      set.delete(item);
      // Tags are per user or per session, so they come and go; empty sets would leak.
      if (set.size === 0) this.#byTag.delete(tag);
    }
  }

  /**
   * The union of the sockets named by id and the sockets carrying any named tag, each once.
   * With `within`, only the sockets that also carry that tag: receivers then narrow delivery
   * inside that group and can never reach beyond it (`"*"` is every socket of the group).
   * A fresh set, so callers may close sockets (and so change the index) while iterating it.
   */
  match(receivers: ReceiversInput, within?: string): Set<T> {
    const group = within === undefined ? undefined : (this.#byTag.get(within) ?? new Set<T>());
    const allowed = (item: T): boolean => group === undefined || group.has(item);
    const sockets = receivers.sockets ?? [];
    if (sockets.includes(EVERY_SOCKET)) return new Set(group ?? this.#byId.values());
    const matched = new Set<T>();
    for (const id of sockets) {
      const item = this.#byId.get(id);
      if (item !== undefined && allowed(item)) matched.add(item);
    }
    for (const tag of receivers.tags ?? []) {
      const set = this.#byTag.get(tag);
      if (set === undefined) continue;
      for (const item of set) if (allowed(item)) matched.add(item);
    }
    return matched;
  }
}
