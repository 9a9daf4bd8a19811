/**
 * Rejects if `promise` has not settled within `ms`: every phase runs under such a cap, so a hung
 * server cannot hold the run.
 *
 * @template T
 * @param {string} what @param {number} ms @param {Promise<T>} promise
 * @returns {Promise<T>}
 */
export function withTimeout(what, ms, promise) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than its cap of ${ms} ms`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, timeout]).finally(() => clearTimeout(timer)));
}
