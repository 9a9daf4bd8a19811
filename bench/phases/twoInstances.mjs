import { backlogLimit, measureFanout } from "../lib/fanout.mjs";
import { startRedis } from "@tandem/testkit";
import { onServerCore } from "../lib/cpuPlan.mjs";
import { saturate } from "./saturation.mjs";

/**
 * A server as a two-instance deployment: two processes and one redis-server, all on the servers'
 * core (so the comparison with one instance is at equal CPU: what it shows is the cost of the
 * bus, not the gain of a second core). Tandem's are two production processes on the same SQLite
 * file; `tools/ceilingPair.mjs` runs the bare `ws` ceiling through the same phase, for what the
 * set-up allows. A user's devices are spread over both instances, so every event reaches some
 * devices through Redis.
 *
 * Measured: a low rate (`lowRate`), where neither set-up is near saturation, so the difference
 * with one instance is Redis's own hop (publish, redis-server, the other instance's handling); the
 * sweep's first rate, where the two instances' extra work (each also handles every event the other
 * publishes) already shows as queueing on the shared core; then the saturation search again,
 * starting with a window at the target itself ({@link TARGET_SHARE} of one instance's last held
 * rate), so its few steps are spent near the answer instead of climbing to it from 500 writes/s
 * (that window is one more than the search's steps: `maxSteps`, at most {@link MAX_STEPS}).
 *
 * @param {import("../targets/TandemTarget.mjs").TandemTarget | import("../targets/PeerTarget.mjs").PeerTarget} target
 *   Tandem with its accounts already created, or the ceiling
 * @param {import("../lib/options.mjs").Options} options the run's: its rates (the first is the one
 *   compared with one instance's), low rate, windows, warm-up and search limits
 * @param {{ plan: import("../lib/cpuPlan.mjs").CpuPlan, onWindow: (r: import("../lib/fanout.mjs").FanoutResult) => void,
 *   oneInstance: { sweep: import("../lib/fanout.mjs").FanoutResult[],
 *     low: import("../lib/fanout.mjs").FanoutResult | undefined,
 *     saturation: { heldRate: number, deliveriesPerSec: number } } }} run
 */
export async function twoInstances(target, options, { plan, onWindow, oneInstance }) {
  const { lowRate, windowMs, drainMs, warmup, rates: warmupRates, bisections } = options;
  const rate = options.rates[0] ?? 100;
  const maxSteps = Math.min(MAX_STEPS, options.maxSteps);
  const redis = await startRedis({ wrap: (command, args) => onServerCore(plan, command, args) });
  try {
    await target.start({ instances: 2, redisUrl: redis.url });
    await target.connect();
    const probes = target.probes;
    // Each instance gets the warm-up one instance had (the window twice as long, as the writes are
    // split between them), then the sweep's rates, so both set-ups are measured with their code
    // compiled: after a short warm-up, V8's optimizing compiler took ~15 % of the shared core
    // (perf) during these windows, and still ~10 % after a warm-up only as long as one instance's.
    await measureFanout(target, { rate: warmup.rate, durationMs: 2 * warmup.windowMs, drainMs, maxInflight: warmup.rate });
    for (const r of warmupRates) await measureFanout(target, { rate: r, durationMs: windowMs, drainMs, maxInflight: backlogLimit(r) });
    const serverCore = plan.serverCore;
    const low = await measureFanout(target, { rate: lowRate, durationMs: windowMs, drainMs, probes, serverCore, maxInflight: backlogLimit(lowRate) });
    onWindow(low);
    const latency = await measureFanout(target, { rate, durationMs: windowMs, drainMs, probes, serverCore, maxInflight: backlogLimit(rate) });
    onWindow(latency);
    const known = [latency];
    const atTarget = Math.round(TARGET_SHARE * oneInstance.saturation.heldRate);
    if (atTarget > rate) {
      const window = await measureFanout(target, { rate: atTarget, durationMs: windowMs, drainMs, probes, serverCore, maxInflight: backlogLimit(atTarget) });
      onWindow(window);
      known.push(window);
    }
    const saturation = await saturate(target, probes, { known, windowMs, drainMs, maxSteps, bisections, serverCore, onWindow });
    saturation.steps.unshift(...known.slice(1));
    const one = oneInstance.sweep.find((r) => r.rate === rate);
    const oneLow = oneInstance.low;
    return {
      instances: 2,
      sockets: target.socketCount,
      rate,
      lowRate,
      low,
      latency,
      saturation,
      oneInstance: {
        p50: one?.e2e.p50 ?? null,
        p99: one?.e2e.p99 ?? null,
        held: one?.held ?? false,
        low: oneLow ? { p50: oneLow.e2e.p50, p99: oneLow.e2e.p99, held: oneLow.held } : null,
        saturation: oneInstance.saturation,
      },
      addedP50AtLowRateMs: oneLow ? round(low.e2e.p50 - oneLow.e2e.p50) : null,
      addedP99AtLowRateMs: oneLow ? round(low.e2e.p99 - oneLow.e2e.p99) : null,
      addedP50Ms: one ? round(latency.e2e.p50 - one.e2e.p50) : null,
      addedP99Ms: one ? round(latency.e2e.p99 - one.e2e.p99) : null,
      throughputVsOne:
        oneInstance.saturation.deliveriesPerSec > 0 ? round(saturation.deliveriesPerSec / oneInstance.saturation.deliveriesPerSec) : null,
    };
  } finally {
    await target.stop();
    await redis.stop();
  }
}

/** The phase's saturation search takes at most this many windows, to keep the run in its budget. */
export const MAX_STEPS = 4;

/** The target for two instances + Redis: this share of one instance's throughput. */
export const TARGET_SHARE = 0.7;

/** @param {number} x */
const round = (x) => Math.round(x * 1000) / 1000;
