import { backlogLimit, measureFanout } from "../lib/fanout.mjs";
import { spread } from "../lib/spread.mjs";

/**
 * The headline: every server, each with its sockets connected, measured at the same fixed write
 * rates in interleaved rounds (A B C, C B A, …), so that a slow minute of a shared machine falls
 * on every server alike instead of on whichever ran then. Per window: the server process's own
 * CPU time (user + system, all threads, read inside it with `process.cpuUsage()`) per write, and
 * the write → other-device latency percentiles. A ratio is taken within each round (both sides
 * measured a few seconds apart) and then summarised over the rounds as median and range.
 *
 * Per-process CPU time barely moves when other processes share the core; wall-clock figures
 * (latency, saturation) do, which is why CPU per write is the primary figure.
 *
 * @typedef {import("../lib/fanout.mjs").FanoutResult} FanoutResult
 * @typedef {import("../lib/spread.mjs").Spread} Spread
 * @typedef {{ name: string, probes: import("../lib/probe.mjs").Probe[] } & import("../lib/population.mjs").Population} Target
 * @typedef {{ cpuPerWriteMs: Spread | null, p50: Spread | null, p99: Spread | null, p999: Spread | null,
 *   postP99: Spread | null, held: number, windows: FanoutResult[] }} RateSummary
 *
 * @param {Target[]} targets
 * @param {{ rates: number[], repeats: number, windowMs: number, drainMs: number, serverCore: number | null,
 *   onWindow?: (name: string, r: FanoutResult) => void }} options
 * @returns {Promise<{ rates: number[], repeats: number, windowMs: number, order: string[],
 *   servers: Record<string, Record<string, RateSummary>> }>}
 */
export async function interleaved(targets, { rates, repeats, windowMs, drainMs, serverCore, onWindow = () => {} }) {
  /** @type {Record<string, Record<string, FanoutResult[]>>} */
  const windows = Object.fromEntries(targets.map((t) => [t.name, Object.fromEntries(rates.map((r) => [String(r), []]))]));
  for (let round = 0; round < repeats; round++) {
    // Every other round runs the servers in reverse (A B C, C B A, …), so that no server always
    // takes one place: with a fixed order, the server measured first at 1,000 writes/s used more
    // CPU per write than the second in 7 runs out of 7 (1.03–1.20×, 1.05× against a copy of
    // itself) and had the higher p99 in 33 rounds out of 45 (docs/performance.md).
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const rate of rates) {
      for (const target of order) {
        const r = await measureFanout(target, { rate, durationMs: windowMs, drainMs, probes: target.probes, serverCore, maxInflight: backlogLimit(rate) });
        onWindow(target.name, r);
        windows[target.name]?.[String(rate)]?.push(r);
      }
    }
  }
  /** @type {Record<string, Record<string, RateSummary>>} */
  const servers = {};
  for (const target of targets) {
    servers[target.name] = {};
    for (const rate of rates) {
      const ws = windows[target.name]?.[String(rate)] ?? [];
      /** @type {Record<string, RateSummary>} */ (servers[target.name])[String(rate)] = {
        cpuPerWriteMs: spread(ws.map(cpuPerWriteMs)),
        p50: spread(ws.map((w) => w.e2e.p50)),
        p99: spread(ws.map((w) => w.e2e.p99)),
        p999: spread(ws.map((w) => w.e2e.p999)),
        postP99: spread(ws.map((w) => w.post.p99)),
        held: ws.filter((w) => w.held).length,
        windows: ws,
      };
    }
  }
  return { rates, repeats, windowMs, order: targets.map((t) => t.name), servers };
}

/** The server's CPU time per write in a window, in ms (NaN without a probe). @param {FanoutResult} w */
export function cpuPerWriteMs(w) {
  return w.server === null || w.writes === 0 ? NaN : w.server.cpuMs / w.writes;
}

/**
 * `a ÷ b` round by round (the i-th window of each, measured seconds apart), as median and range.
 * @param {FanoutResult[] | undefined} a @param {FanoutResult[] | undefined} b
 * @param {(w: FanoutResult) => number} metric
 */
export function pairedRatio(a, b, metric) {
  if (!a || !b) return null;
  const n = Math.min(a.length, b.length);
  const values = [];
  for (let i = 0; i < n; i++) values.push(metric(/** @type {FanoutResult} */ (a[i])) / metric(/** @type {FanoutResult} */ (b[i])));
  return spread(values);
}
