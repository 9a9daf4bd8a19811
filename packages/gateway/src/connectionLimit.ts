/**
 * Counts open sockets per key (a user, a session: whatever the application's `authenticate`
 * names) so that one client cannot hold an unbounded share of the server's sockets.
 */
export class ConnectionLimit {
  readonly #max: number;
  readonly #counts = new Map<string, number>();

  constructor(max: number) {
    this.#max = max;
  }

  /** How many keys hold at least one socket. */
  get keys(): number {
    return this.#counts.size;
  }

  count(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  /**
   * Takes one slot for `key`; returns its release function (safe to call more than once), or
   * undefined if the key is at its limit.
   */
  acquire(key: string): (() => void) | undefined {
    const count = this.count(key);
    if (count >= this.#max) return undefined;
    this.#counts.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.count(key) - 1;
      if (left > 0) this.#counts.set(key, left);
      else this.#counts.delete(key);
    };
  }
}
