/**
 * Runs a drain of the outbox so that only one tab of the browser drains a user's outbox at a time
 * (two tabs sending the same queue would race each other's order). Web Locks are held across tabs
 * and released by the browser when a tab closes or crashes, so a dead tab never blocks the
 * others. Where the API is missing each tab drains on its own: the Idempotency-Key every write
 * carries still makes a write sent by two tabs apply once.
 */
export interface DrainLock {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export function drainLockName(userId: string): string {
  return `tandem-outbox:${userId}`;
}

export function browserDrainLock(userId: string, locks: LockManager | undefined = globalThis.navigator?.locks): DrainLock {
  if (locks === undefined) return inTabLock();
  const name = drainLockName(userId);
  return { run: <T,>(fn: () => Promise<T>) => locks.request(name, fn) as Promise<T> };
}

/** One drain at a time within this tab only. */
export function inTabLock(): DrainLock {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      const result = tail.then(fn, fn);
      tail = result.catch(() => {});
      return result;
    },
  };
}
