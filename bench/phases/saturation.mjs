import { backlogLimit, measureFanout } from "../lib/fanout.mjs";

/**
 * Saturation: the highest write rate whose window still holds (p99 ≤ 50 ms, nothing lost).
 * Starts from what the sweep already showed: above the best rate that held, it raises the rate
 * ×1.5 until a window fails; below the lowest rate, if none held, it lowers it ×0.7 until one
 * holds. Then it bisects (geometrically) between the last rate that held and the first that
 * failed. At most `maxSteps` windows, so the phase is bounded whatever the server does.
 *
 * Above a rate that held, a rate fails only when two windows in a row at it fail (a failed sweep
 * window counting as the first): on this virtual machine a core is now and then descheduled for
 * 10–30 ms at a time, and one such pause in a 1 s window can push its p99 past 50 ms at a rate the
 * server carries. A rate the server cannot carry fails twice. When the steps run out, one failed
 * window has to do.
 *
 * A window is abandoned early once a quarter of a second of writes is waiting for an answer.
 *
 * What gave out first is reported too (`limitedBy`, see {@link limitOf}): above a few thousand
 * writes/s the driver's own core can be the limit, and then the rate says how much the driver can
 * send, not how much the server can take.
 *
 * @param {import("../lib/population.mjs").Population} population
 * @param {import("../lib/probe.mjs").Probe[]} probes
 * @param {{ known: import("../lib/fanout.mjs").FanoutResult[], windowMs: number, drainMs: number,
 *   maxSteps: number, bisections: number, serverCore: number | null, onWindow?: (r: import("../lib/fanout.mjs").FanoutResult) => void }} options
 */
export async function saturate(population, probes, { known, windowMs, drainMs, maxSteps, bisections, serverCore, onWindow = () => {} }) {
  /** @type {import("../lib/fanout.mjs").FanoutResult[]} */
  const steps = [];
  const once = async (/** @type {number} */ rate) => {
    const result = await measureFanout(population, { rate, durationMs: windowMs, drainMs, probes, serverCore, maxInflight: backlogLimit(rate) });
    onWindow(result);
    steps.push(result);
    return result;
  };
  /** A window at `rate`, and a second one if the first failed (see above). */
  const run = async (/** @type {number} */ rate) => {
    const first = await once(rate);
    return first.held || steps.length >= maxSteps ? first : once(rate);
  };
  const heldRates = known.filter((r) => r.held).map((r) => r.rate);
  let lo = heldRates.length > 0 ? Math.max(...heldRates) : undefined;
  const failedAbove = known.filter((r) => !r.held && (lo === undefined || r.rate > lo)).map((r) => r.rate);
  let hi = failedAbove.length > 0 ? Math.min(...failedAbove) : undefined;
  /** @type {import("../lib/fanout.mjs").FanoutResult | undefined} */
  let best = known.find((r) => r.rate === lo);
  /** @type {import("../lib/fanout.mjs").FanoutResult | undefined} */
  let failed = known.find((r) => r.rate === hi);
  // A failed sweep window was the first of two; the second decides. One that holds moves the
  // search up to the next rate the sweep saw fail, if any, which is then confirmed the same way.
  while (hi !== undefined && lo !== undefined && steps.length < maxSteps) {
    const again = await once(hi);
    if (!again.held) {
      failed = again;
      break;
    }
    const confirmed = hi;
    lo = confirmed;
    best = again;
    const failedHigher = known.filter((r) => !r.held && r.rate > confirmed).map((r) => r.rate);
    hi = failedHigher.length > 0 ? Math.min(...failedHigher) : undefined;
    failed = known.find((r) => r.rate === hi);
  }

  while (lo === undefined && steps.length < maxSteps) {
    const rate = Math.round((hi ?? 500) * 0.7);
    const result = await run(rate);
    if (result.held) {
      lo = rate;
      best = result;
    } else {
      hi = rate;
      failed = result;
    }
  }
  while (lo !== undefined && hi === undefined && steps.length < maxSteps) {
    const rate = Math.round(lo * 1.5);
    const result = await run(rate);
    if (result.held) {
      lo = rate;
      best = result;
    } else {
      hi = rate;
      failed = result;
    }
  }
  for (let i = 0; i < bisections && lo !== undefined && hi !== undefined && steps.length < maxSteps; i++) {
    const rate = Math.round(Math.sqrt(lo * hi));
    if (rate <= lo || rate >= hi) break;
    const result = await run(rate);
    if (result.held) {
      lo = rate;
      best = result;
    } else {
      hi = rate;
      failed = result;
    }
  }
  return {
    heldRate: lo ?? 0,
    failedRate: hi ?? null,
    deliveriesPerSec: best?.deliveriesPerSec ?? 0,
    p99AtHeld: best?.e2e.p99 ?? null,
    limitedBy: limitOf(failed),
    steps,
  };
}

/** How busy the servers' core (cores) must have been for a failed window to count as the server's limit. */
export const SERVER_BOUND_CPU = 0.85;

/**
 * How late (p99) the driver must have sent its writes for a failed window to count as the driver's
 * limit: 40 % of the 50 ms a window may take. Windows that held at a few thousand writes/s showed
 * send lags up to ~15 ms at p99 (the replies of a busy server arrive in bursts), so lateness below
 * this says little about the driver's own core.
 */
export const DRIVER_LATE_MS = 20;

/**
 * @typedef {{ by: "server" | "driver" | "both" | "unknown", serverCpu: number | null, sendLagP99Ms: number, rate: number }} Limit
 *   `serverCpu` is the servers' core's busy share (the server's own CPU, or all of the core's when
 *   other processes on it, `redis-server` among them, took more)
 */

/**
 * Who could not keep up in the first window that failed above the last rate that held:
 * - "driver" when it sent its writes late (`sendLag` p99 of {@link DRIVER_LATE_MS} or more) while
 *   the servers' core had time to spare (under {@link SERVER_BOUND_CPU}): its own core ran out first;
 * - "server" when the driver kept to its schedule: the server used its core, or fell behind with
 *   time to spare (GC pauses, a blocked event loop);
 * - "both" when the driver was late and the core was busy too: either could have been the limit;
 * - "unknown" when the window has no server figures.
 * `null` when the search ran out of steps before any rate failed: the held rate is then only a
 * lower bound.
 *
 * @param {import("../lib/fanout.mjs").FanoutResult | undefined} failed
 * @returns {Limit | null}
 */
export function limitOf(failed) {
  if (failed === undefined) return null;
  const own = failed.server?.cpu ?? null;
  const core = failed.server?.coreBusy ?? null;
  const serverCpu = own === null ? null : Math.max(own, core ?? 0);
  const sendLagP99Ms = failed.sendLag.p99;
  const late = sendLagP99Ms >= DRIVER_LATE_MS;
  /** @type {Limit["by"]} */
  let by = "unknown";
  if (serverCpu !== null) by = !late ? "server" : serverCpu < SERVER_BOUND_CPU ? "driver" : "both";
  return { by, serverCpu, sendLagP99Ms, rate: failed.rate };
}
