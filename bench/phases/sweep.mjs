import { measureFanout } from "../lib/fanout.mjs";

/**
 * The latency sweep: one window at each fixed write rate, slowest first. A window that backs up
 * is cut short (`overloaded`, see {@link backlogLimit}) rather than left to queue for seconds:
 * its latencies are already past anything that would hold, and the rest of the run needs the time.
 *
 * @param {import("../lib/population.mjs").Population} population
 * @param {import("../lib/probe.mjs").Probe[]} probes
 * @param {{ rates: number[], windowMs: number, drainMs: number, serverCore: number | null,
 *   onWindow?: (r: import("../lib/fanout.mjs").FanoutResult) => void }} options
 */
export async function sweep(population, probes, { rates, windowMs, drainMs, serverCore, onWindow = () => {} }) {
  const results = [];
  for (const rate of rates) {
    const result = await measureFanout(population, { rate, durationMs: windowMs, drainMs, probes, serverCore, maxInflight: backlogLimit(rate) });
    onWindow(result);
    results.push(result);
  }
  return results;
}

/**
 * How many unanswered writes a window tolerates before it is cut short: a quarter of a second's
 * worth. Past that the p99 is beyond 50 ms whatever happens next, and draining a longer backlog
 * would only spend the run's time.
 * @param {number} rate
 */
export const backlogLimit = (rate) => Math.max(50, Math.round(rate / 4));
