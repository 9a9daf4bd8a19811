import { now } from "../lib/clock.mjs";
import { backlogLimit, measureFanout } from "../lib/fanout.mjs";
import { latencyHistogram, recordMs, summarize } from "../lib/histogram.mjs";

/**
 * Sign-in under load: `concurrency` clients sign in back to back (closed loop: a sign-in is a
 * person waiting, not a schedule) while the fan-out runs at `rate`. Two questions:
 *
 * - Is bcrypt bounded by the CPU as it should be? bcrypt runs on libuv's thread pool, so the most
 *   sign-ins a second a server can do is (cores it may use) × 1000 / (ms per hash). The hash time
 *   is measured in this same run (`lib/bcryptTiming.mjs`).
 * - Does it hurt the fan-out? Its p99 is compared with the same rate's window without sign-ins.
 *
 * @param {{ signIn(i: number): Promise<number> } & import("../lib/population.mjs").Population} target
 * @param {import("../lib/probe.mjs").Probe[]} probes
 * @param {{ rate: number, windowMs: number, drainMs: number, concurrency: number, hashMs: number,
 *   serverCores: number, serverCore: number | null, baseline: import("../lib/fanout.mjs").FanoutResult | undefined }} options
 */
export async function signInUnderLoad(target, probes, { rate, windowMs, drainMs, concurrency, hashMs, serverCores, serverCore, baseline }) {
  let stopped = false;
  /** @type {number[]} completion times of successful sign-ins */
  const completions = [];
  let failures = 0;
  const latency = latencyHistogram();
  const worker = async (/** @type {number} */ w) => {
    for (let i = w; !stopped; i += concurrency) {
      const t = now();
      let status = 0;
      try {
        status = await target.signIn(i);
      } catch {
        status = 0;
      }
      const done = now();
      if (status === 200) completions.push(done);
      else failures++;
      recordMs(latency, done - t);
    }
  };
  const workers = Array.from({ length: concurrency }, (_, w) => worker(w));
  const windowStart = now();
  const fanout = await measureFanout(target, { rate, durationMs: windowMs, drainMs, probes, serverCore, maxInflight: backlogLimit(rate) });
  // Sign-ins are counted over the time they ran alongside the fan-out (the fan-out window may be
  // cut short, and its drain is part of the time too).
  const windowEnd = now();
  stopped = true;
  await Promise.all(workers);
  const counted = completions.filter((t) => t >= windowStart && t <= windowEnd).length;
  const signInsPerSec = Math.round((counted / ((windowEnd - windowStart) / 1000)) * 10) / 10;
  const bound = Math.round(((serverCores * 1000) / hashMs) * 10) / 10;
  return {
    concurrency,
    rate,
    signInsPerSec,
    // All that succeeded, those still running when the window closed included (they are awaited).
    succeeded: completions.length,
    threadPoolBound: bound,
    ofBound: Math.round((signInsPerSec / bound) * 100) / 100,
    hashMs,
    failures,
    signInLatency: summarize(latency),
    fanout,
    baselineP99: baseline?.e2e.p99 ?? null,
    p99VsBaseline: baseline ? Math.round((fanout.e2e.p99 / baseline.e2e.p99) * 10) / 10 : null,
  };
}
