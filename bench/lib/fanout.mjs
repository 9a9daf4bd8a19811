import { now, sleep } from "./clock.mjs";
import { busyFraction, readCore, readStolenMs } from "./coreLoad.mjs";
import { collectDriverGarbage, driverWindowStart, driverWindowStop } from "./driverHealth.mjs";
import { latencyHistogram, recordMs, summarize } from "./histogram.mjs";
import { runOpenLoop } from "./openLoop.mjs";
import { ignoreDelivery, writerOf } from "./population.mjs";
import { writeText } from "./writeIds.mjs";

/** The p99 a rate must stay under to count as held (the saturation criterion). */
export const HELD_P99_MS = 50;

/**
 * How many unanswered writes a window tolerates before it is cut short: a quarter of a second's
 * worth. Past that the p99 is beyond 50 ms whatever happens next, and draining a longer backlog
 * would only spend the run's time.
 * @param {number} rate
 */
export const backlogLimit = (rate) => Math.max(50, Math.round(rate / 4));

/** Write ids are unique over the whole run, so a late delivery from an earlier window is ignored. */
let nextWriteId = 1;

/**
 * @typedef {import("./histogram.mjs").LatencySummary} LatencySummary
 * @typedef {{ rate: number, durationMs: number, writes: number, planned: number,
 *   expectedDeliveries: number, delivered: number, lost: number, duplicates: number,
 *   misrouted: number, postErrors: number, overloaded: boolean, held: boolean,
 *   deliveriesPerSec: number, e2e: LatencySummary, post: LatencySummary, sendLag: LatencySummary,
 *   server: ServerHealth | null, driver: ReturnType<typeof driverWindowStop>, stolenMs: number | null }} FanoutResult
 *   `stolenMs` is the CPU time the hypervisor took from the whole machine during the window
 *   (see `readStolenMs`)
 * @typedef {{ cpu: number, cpuMs: number, coreBusy: number | null, otherLoad: number | null, gcMs: number, gcMaxMs: number,
 *   loopDelayP99Ms: number, loopDelayMaxMs: number }} ServerHealth
 *   `cpu` is in cores (1 = one core busy the whole window), summed over the server processes;
 *   `cpuMs` the same as CPU time (user + system, every thread of the processes), window and drain;
 *   `coreBusy` is how busy the servers' core was, and `otherLoad` how much of it went to
 *   processes that are not the servers (noise from whatever else runs on the machine); the rest
 *   is the worst process's
 */

/**
 * One window of fan-out at a fixed write rate: open-loop writes, each received by the writer's
 * other devices. Measures write → other-device latency (from the intended send time), the POST's
 * own latency, and deliveries per second; then waits (bounded) for stragglers.
 *
 * A window is `held` when every write was answered 201, every delivery arrived exactly once, the
 * driver never had to stop early, and the end-to-end p99 stayed under {@link HELD_P99_MS}.
 *
 * @param {import("./population.mjs").Population} population
 * @param {{ rate: number, durationMs: number, drainMs?: number, maxInflight?: number,
 *   probes?: import("./probe.mjs").Probe[], serverCore?: number | null }} options
 * @returns {Promise<FanoutResult>}
 */
export async function measureFanout(population, { rate, durationMs, drainMs = 2000, maxInflight = 4000, probes = [], serverCore = null }) {
  const planned = Math.max(1, Math.round((rate * durationMs) / 1000));
  const base = nextWriteId;
  nextWriteId += planned;
  const others = population.devicesPerUser - 1;
  const intended = new Float64Array(planned);
  const writerDevice = new Uint8Array(planned);
  const remaining = new Uint8Array(planned);
  const e2e = latencyHistogram();
  const post = latencyHistogram();
  let fired = 0;
  let delivered = 0;
  let duplicates = 0;
  let misrouted = 0;
  let postErrors = 0;
  let inflight = 0;
  let answered = 0;
  let lastEventMs = 0;

  population.onDelivery = (id, user, device) => {
    const k = id - base;
    if (k < 0 || k >= planned || intended[k] === 0) return;
    if (user !== k % population.users) {
      misrouted++;
      return;
    }
    if (device === writerDevice[k]) return; // the writer's own copy: a client ignores it
    if (remaining[k] === 0) {
      duplicates++;
      return;
    }
    const t = now();
    remaining[k] = /** @type {number} */ (remaining[k]) - 1;
    delivered++;
    recordMs(e2e, t - /** @type {number} */ (intended[k]));
    lastEventMs = t;
  };

  collectDriverGarbage();
  const cpuBefore = await Promise.all(probes.map((p) => p.cpuMs()));
  await Promise.all(probes.map((p) => p.windowStart()));
  driverWindowStart();
  const coreBefore = readCore(serverCore);
  const stolenBefore = readStolenMs();
  const startedAt = now();
  const loop = await runOpenLoop({
    rate,
    durationMs,
    shouldStop: () => inflight > maxInflight,
    fire: (k, intendedMs) => {
      const { user, device } = writerOf(k, population);
      intended[k] = intendedMs;
      writerDevice[k] = device;
      remaining[k] = others;
      fired++;
      inflight++;
      population.post(user, device, writeText(base + k)).then(
        (status) => {
          inflight--;
          answered++;
          const t = now();
          recordMs(post, t - intendedMs);
          lastEventMs = Math.max(lastEventMs, t);
          if (status !== 201) postErrors++;
        },
        () => {
          inflight--;
          answered++;
          postErrors++;
        },
      );
    },
  });

  const drainUntil = now() + drainMs;
  while ((answered < fired || delivered < fired * others) && now() < drainUntil) await sleep(2);
  const windowMs = Math.max(durationMs, lastEventMs - loop.startMs);
  const elapsedMs = now() - startedAt;
  const coreBusy = busyFraction(coreBefore, readCore(serverCore));
  const stolenAfter = readStolenMs();
  const driver = driverWindowStop();
  const cpuAfter = await Promise.all(probes.map((p) => p.cpuMs()));
  const windows = await Promise.all(probes.map((p) => p.windowStop()));
  population.onDelivery = ignoreDelivery;

  const expectedDeliveries = fired * others;
  const e2eSummary = summarize(e2e);
  const overloaded = loop.stoppedEarly;
  const lost = expectedDeliveries - delivered;
  const serverCpuMs = cpuAfter.reduce((sum, after, i) => sum + (after - (cpuBefore[i] ?? 0)), 0);
  const serverCpu = round3(serverCpuMs / elapsedMs);
  /** @type {ServerHealth | null} */
  const server =
    probes.length === 0
      ? null
      : {
          cpu: serverCpu,
          cpuMs: round3(serverCpuMs),
          coreBusy,
          otherLoad: coreBusy === null ? null : round3(Math.max(0, coreBusy - serverCpu)),
          gcMs: Math.max(...windows.map((w) => w.gcMs)),
          gcMaxMs: Math.max(...windows.map((w) => w.gcMaxMs)),
          loopDelayP99Ms: Math.max(...windows.map((w) => w.loopDelayP99Ms)),
          loopDelayMaxMs: Math.max(...windows.map((w) => w.loopDelayMaxMs)),
        };
  return {
    rate,
    durationMs,
    writes: fired,
    planned,
    expectedDeliveries,
    delivered,
    lost,
    duplicates,
    misrouted,
    postErrors,
    overloaded,
    held: !overloaded && lost === 0 && duplicates === 0 && misrouted === 0 && postErrors === 0 && e2eSummary.p99 <= HELD_P99_MS,
    deliveriesPerSec: Math.round(delivered / (windowMs / 1000)),
    e2e: e2eSummary,
    post: summarize(post),
    sendLag: summarize(loop.sendLag),
    server,
    driver,
    stolenMs: stolenBefore === null || stolenAfter === null ? null : Math.round(stolenAfter - stolenBefore),
  };
}

/** @param {number} x */
const round3 = (x) => Math.round(x * 1000) / 1000;
