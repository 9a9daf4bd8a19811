/**
 * A figure measured several times: its median and its range. The benchmark's headline is always
 * one of these, never a single window.
 *
 * @typedef {{ median: number, min: number, max: number, n: number }} Spread
 */

/** @param {number[]} values @returns {Spread | null} null when there is nothing to summarise */
export function spread(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  const median = v.length % 2 === 1 ? /** @type {number} */ (v[mid]) : (/** @type {number} */ (v[mid - 1]) + /** @type {number} */ (v[mid])) / 2;
  return { median: round(median), min: round(/** @type {number} */ (v[0])), max: round(/** @type {number} */ (v[v.length - 1])), n: v.length };
}

/** @param {number} x */
const round = (x) => Math.round(x * 10_000) / 10_000;
