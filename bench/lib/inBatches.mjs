/**
 * Runs `task(item)` for every item with at most `concurrency` in flight.
 * @template T, R
 * @param {T[]} items @param {number} concurrency @param {(item: T, index: number) => Promise<R>} task
 * @returns {Promise<R[]>}
 */
export async function inBatches(items, concurrency, task) {
  /** @type {R[]} */
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(/** @type {T} */ (items[i]), i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
