import { num, ratio } from "./format.mjs";

/**
 * The numbers the issue asks for last, each next to its target: Tandem against the ceiling and
 * against Socket.IO, Tandem's latency at 1,000 writes/s, and what Redis adds. A ratio is `null`
 * when one side was not measured (a server left out with --servers, say).
 *
 * @param {any} results
 */
export function computeRatios(results) {
  const s = results.servers;
  const div = (/** @type {number | undefined} */ a, /** @type {number | undefined} */ b) =>
    a === undefined || b === undefined || b === 0 ? null : Math.round((a / b) * 1000) / 1000;
  // "not measured" also covers "not comparable": a ratio whose other side held nothing.
  const at1000 = s.tandem?.sweep?.find((/** @type {any} */ r) => r.rate === 1000);
  const noise = (/** @type {any} */ server) => meanOtherLoad([...(server?.sweep ?? []), ...(server?.saturation?.steps ?? [])]);
  return {
    throughputVsCeiling: div(s.tandem?.saturation?.deliveriesPerSec, s.ceiling?.saturation?.deliveriesPerSec),
    throughputVsSocketIo: div(s.tandem?.saturation?.deliveriesPerSec, s.socketio?.saturation?.deliveriesPerSec),
    heapPerSocketVsSocketIo: div(s.tandem?.idle?.heapPerSocketKB, s.socketio?.idle?.heapPerSocketKB),
    tandemHeapPerSocketKB: s.tandem?.idle?.heapPerSocketKB ?? null,
    tandemAt1000: at1000 ? { p50: at1000.e2e.p50, p99: at1000.e2e.p99, p999: at1000.e2e.p999, held: at1000.held } : null,
    // Redis's own cost is read at the low rate, where neither set-up queues; comparing two
    // windows that did not hold would say nothing about it.
    redisAddedP50Ms: results.twoInstances?.low?.held && results.twoInstances?.oneInstance?.low?.held ? results.twoInstances.addedP50AtLowRateMs : null,
    redisThroughputVsOne: results.twoInstances?.throughputVsOne ?? null,
    redisLowRate: results.twoInstances?.lowRate ?? null,
    noise: {
      tandem: noise(s.tandem),
      socketio: noise(s.socketio),
      ceiling: noise(s.ceiling),
      twoInstances: meanOtherLoad(results.twoInstances ? [results.twoInstances.low, results.twoInstances.latency, ...(results.twoInstances.saturation?.steps ?? [])] : []),
    },
  };
}

/**
 * Above this mean share of the servers' core taken by other processes, a server's figures are too
 * disturbed to compare: its verdicts say "noisy" instead of met or missed.
 */
export const NOISE_LIMIT = 0.1;

/** @param {any[]} windows @returns {number | null} */
function meanOtherLoad(windows) {
  const values = windows.map((w) => w?.server?.otherLoad).filter((v) => typeof v === "number");
  return values.length === 0 ? null : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 1000) / 1000;
}

/**
 * @param {ReturnType<typeof computeRatios>} r
 * @returns {{ what: string, value: string, target: string, met: boolean | null, noisy: boolean }[]}
 */
export function targetChecks(r) {
  /** @param {number | null | undefined} v @param {(v: number) => boolean} ok */
  const met = (v, ok) => (v === null || v === undefined ? null : ok(v));
  const n = r.noise;
  const over = (/** @type {(number | null)[]} */ ...values) => values.some((v) => v !== null && v > NOISE_LIMIT);
  const noisyFor = [
    over(n.tandem, n.ceiling),
    over(n.tandem, n.socketio),
    false, // idle memory is measured with no load: noise does not change it
    false,
    over(n.tandem),
    over(n.tandem),
    over(n.tandem, n.twoInstances),
    over(n.tandem, n.twoInstances),
  ];
  return [
    { what: "Tandem ÷ ceiling, deliveries/s at saturation", value: ratio(r.throughputVsCeiling), target: "≥ 0.60×", met: met(r.throughputVsCeiling, (v) => v >= 0.6) },
    { what: "Tandem ÷ Socket.IO, deliveries/s at saturation", value: ratio(r.throughputVsSocketIo), target: "≥ 1.50×", met: met(r.throughputVsSocketIo, (v) => v >= 1.5) },
    { what: "Tandem ÷ Socket.IO, heap per idle socket", value: ratio(r.heapPerSocketVsSocketIo), target: "≤ 0.60×", met: met(r.heapPerSocketVsSocketIo, (v) => v <= 0.6) },
    { what: "Tandem heap per idle socket", value: `${num(r.tandemHeapPerSocketKB)} KB`, target: "≤ 6 KB", met: met(r.tandemHeapPerSocketKB, (v) => v <= 6) },
    { what: "Tandem p50 at 1,000 writes/s", value: `${num(r.tandemAt1000?.p50, 2)} ms`, target: "≤ 1 ms", met: met(r.tandemAt1000?.p50, (v) => v <= 1) },
    { what: "Tandem p99 at 1,000 writes/s", value: `${num(r.tandemAt1000?.p99)} ms`, target: "≤ 5 ms", met: met(r.tandemAt1000?.p99, (v) => v <= 5) },
    { what: `Redis: added p50 at ${r.redisLowRate ?? "—"} writes/s`, value: `${num(r.redisAddedP50Ms, 2)} ms`, target: "≤ 0.5 ms", met: met(r.redisAddedP50Ms, (v) => v <= 0.5) },
    { what: "Redis: throughput ÷ one instance", value: ratio(r.redisThroughputVsOne), target: "≥ 0.70×", met: met(r.redisThroughputVsOne, (v) => v >= 0.7) },
  ].map((check, i) => ({ ...check, noisy: noisyFor[i] ?? false }));
}

/** The verdict as printed: met, MISSED, not measured, or noisy (with what it would have been). */
export function verdict(/** @type {ReturnType<typeof targetChecks>[number]} */ c) {
  if (c.met === null) return "not measured";
  const plain = c.met ? "met" : "MISSED";
  return c.noisy ? `noisy (would be ${plain.toLowerCase()}): other processes took > ${NOISE_LIMIT * 100}% of the servers' core` : plain;
}

/** @param {ReturnType<typeof targetChecks>} checks */
export function ratiosText(checks) {
  const width = Math.max(...checks.map((c) => c.what.length));
  return checks
    .map((c) => `${c.what.padEnd(width)}  ${c.value.padStart(10)}  target ${c.target.padEnd(9)} ${verdict(c)}`)
    .join("\n");
}
