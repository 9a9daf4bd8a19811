import * as hdr from "hdr-histogram-js";

/**
 * Latencies in microseconds, in an HDR histogram: 3 significant digits from 1 µs to 2 minutes,
 * so p99.9 is exact to 0.1 % whatever the spread, and memory does not grow with the sample count.
 */
const HIGHEST_US = 120_000_000;

export function latencyHistogram() {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3 });
}

/** @param {import("hdr-histogram-js").Histogram} histogram @param {number} ms */
export function recordMs(histogram, ms) {
  histogram.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000))));
}

/**
 * @typedef {{ count: number, p50: number, p99: number, p999: number, max: number, mean: number }} LatencySummary
 *   (milliseconds)
 */

/** @param {import("hdr-histogram-js").Histogram} histogram @returns {LatencySummary} */
export function summarize(histogram) {
  const ms = (/** @type {number} */ us) => Math.round(us) / 1000;
  if (histogram.totalCount === 0) return { count: 0, p50: NaN, p99: NaN, p999: NaN, max: NaN, mean: NaN };
  return {
    count: histogram.totalCount,
    p50: ms(histogram.getValueAtPercentile(50)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
    mean: ms(histogram.mean),
  };
}
