import { cpuPerWriteMs, pairedRatio } from "../phases/interleaved.mjs";
import { TARGET_SHARE } from "../phases/twoInstances.mjs";
import { num, ratio, spreadText } from "./format.mjs";

/**
 * The headline ratios, round by round over the interleaved windows (median and range): for each
 * rate, how many writes Tandem carries per unit of CPU against the ceiling and the Socket.IO peer
 * (the peer's CPU per write ÷ Tandem's: at equal CPU, the share of the peer's throughput Tandem
 * reaches), and Tandem's CPU per write against the baseline's when one was measured.
 * @param {any} results
 */
export function headlineRatios(results) {
  const h = results.headline;
  if (!h) return [];
  const w = (/** @type {string} */ name, /** @type {number} */ rate) => h.servers[name]?.[String(rate)]?.windows;
  /** @type {{ key: string, what: string, rate: number, spread: import("../lib/spread.mjs").Spread | null }[]} */
  const out = [];
  for (const rate of h.rates) {
    out.push({ key: `capacityVsCeiling@${rate}`, what: `Tandem ÷ ceiling, writes per CPU-second at ${rate} w/s`, rate, spread: pairedRatio(w("ceiling", rate), w("tandem", rate), cpuPerWriteMs) });
    out.push({ key: `capacityVsSocketIo@${rate}`, what: `Tandem ÷ Socket.IO, writes per CPU-second at ${rate} w/s`, rate, spread: pairedRatio(w("socketio", rate), w("tandem", rate), cpuPerWriteMs) });
    if (h.servers.baseline) out.push({ key: `cpuVsBaseline@${rate}`, what: `Tandem ÷ baseline, CPU per write at ${rate} w/s`, rate, spread: pairedRatio(w("tandem", rate), w("baseline", rate), cpuPerWriteMs) });
  }
  return out.filter((r) => r.spread !== null);
}

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
  const at1000 = results.headline?.servers?.tandem?.["1000"];
  const noise = (/** @type {any} */ server) => meanOtherLoad(server?.saturation?.steps ?? []);
  return {
    throughputVsCeiling: div(s.tandem?.saturation?.deliveriesPerSec, s.ceiling?.saturation?.deliveriesPerSec),
    throughputVsSocketIo: div(s.tandem?.saturation?.deliveriesPerSec, s.socketio?.saturation?.deliveriesPerSec),
    heapPerSocketVsSocketIo: div(s.tandem?.idle?.heapPerSocketKB, s.socketio?.idle?.heapPerSocketKB),
    tandemHeapPerSocketKB: s.tandem?.idle?.heapPerSocketKB ?? null,
    tandemAt1000: at1000 ? { p50: at1000.p50, p99: at1000.p99, held: at1000.held, of: at1000.windows.length } : null,
    headline: headlineRatios(results),
    // Redis's own cost is read at the low rate, where neither set-up queues; comparing two
    // windows that did not hold would say nothing about it.
    redisAddedP50Ms: results.twoInstances?.low?.held && results.twoInstances?.oneInstance?.low?.held ? results.twoInstances.addedP50AtLowRateMs : null,
    redisThroughputVsOne: results.twoInstances?.throughputVsOne ?? null,
    redisLowRate: results.twoInstances?.lowRate ?? null,
    limitedBy: {
      tandem: limitName(s.tandem?.saturation),
      socketio: limitName(s.socketio?.saturation),
      ceiling: limitName(s.ceiling?.saturation),
      twoInstances: limitName(results.twoInstances?.saturation),
    },
    cpuPerWrite: {
      ceiling: cpuPerWrite(s.tandem, s.ceiling),
      socketio: cpuPerWrite(s.tandem, s.socketio),
    },
    noise: {
      tandem: noise(s.tandem),
      socketio: noise(s.socketio),
      ceiling: noise(s.ceiling),
      twoInstances: meanOtherLoad(results.twoInstances ? [results.twoInstances.low, results.twoInstances.latency, ...(results.twoInstances.saturation?.steps ?? [])] : []),
    },
  };
}

/**
 * What stopped a saturation search (see `limitOf` in phases/saturation.mjs): "unbounded" when no
 * rate failed within its steps (the held rate is a lower bound), null when it did not run.
 * @param {any} saturation @returns {string | null}
 */
function limitName(saturation) {
  if (!saturation) return null;
  return saturation.limitedBy === null ? "unbounded" : (saturation.limitedBy?.by ?? null);
}

/** The limits that leave a server's own capacity unknown (more than its held rate, perhaps). */
const NOT_OWN_LIMIT = new Set(["driver", "both", "unknown", "unbounded"]);

/** @param {string | null} by */
const notOwnLimit = (by) => by !== null && NOT_OWN_LIMIT.has(by);

/**
 * Server CPU per write (ms) of Tandem and a peer at the highest sweep rate both held: the
 * comparison that still means something when a saturation search was stopped by the driver.
 * @param {any} tandem @param {any} peer
 * @returns {{ rate: number, tandemMs: number, peerMs: number } | null}
 */
function cpuPerWrite(tandem, peer) {
  const held = (/** @type {any} */ server, /** @type {number} */ rate) => server?.sweep?.find((/** @type {any} */ r) => r.rate === rate && r.held && r.server);
  const rates = (tandem?.sweep ?? []).map((/** @type {any} */ r) => r.rate).filter((/** @type {number} */ rate) => held(tandem, rate) && held(peer, rate));
  if (rates.length === 0) return null;
  const rate = Math.max(...rates);
  const ms = (/** @type {any} */ server) => Math.round((held(server, rate).server.cpu / rate) * 1e6) / 1e3;
  return { rate, tandemMs: ms(tandem), peerMs: ms(peer) };
}

/**
 * What a throughput ratio means when a saturation search ended at the driver's limit rather than
 * the server's: said next to the verdict, with the CPU per write that still compares them.
 * @param {string} peerName @param {string | null} tandemBy @param {string | null} peerBy
 * @param {{ rate: number, tandemMs: number, peerMs: number } | null} cpu
 */
function throughputNote(peerName, tandemBy, peerBy, cpu) {
  const perWrite = cpu ? `; server CPU per write at ${num(cpu.rate, 0)} w/s: Tandem ${num(cpu.tandemMs, 2)} ms, ${peerName} ${num(cpu.peerMs, 2)} ms` : "";
  const why = (/** @type {string | null} */ by) =>
    by === "unbounded" ? "no rate failed within the search's steps" : by === "both" ? "the driver was late as the server's core filled up" : "the driver gave out first";
  const tandemOpen = notOwnLimit(tandemBy);
  const peerOpen = notOwnLimit(peerBy);
  if (tandemOpen && peerOpen) return `neither limit is the server's own (Tandem: ${why(tandemBy)}; ${peerName}: ${why(peerBy)})${perWrite}`;
  if (peerOpen) return `the ${peerName}'s own limit may be higher (${why(peerBy)}), so the true ratio may be lower${perWrite}`;
  if (tandemOpen) return `Tandem's own limit may be higher (${why(tandemBy)}), so the true ratio may be higher${perWrite}`;
  return null;
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
 * @returns {{ what: string, value: string, target: string, met: boolean | null, noisy: string | null, note: string | null,
 *   inconclusive: boolean }[]}
 *   `noisy` says why the verdict cannot be trusted, or is null
 */
export function targetChecks(r) {
  /** @param {number | null | undefined} v @param {(v: number) => boolean} ok */
  const met = (v, ok) => (v === null || v === undefined ? null : ok(v));
  const n = r.noise;
  const over = (/** @type {(number | null)[]} */ ...values) =>
    values.some((v) => v !== null && v > NOISE_LIMIT) ? `other processes took > ${NOISE_LIMIT * 100}% of the servers' core` : null;
  const noisyFor = [
    over(n.tandem, n.ceiling),
    over(n.tandem, n.socketio),
    null, // idle memory is measured with no load: noise does not change it
    null,
    null, // p50 and p99 are medians over interleaved rounds, shown with their range
    null,
    over(n.tandem, n.twoInstances),
    over(n.tandem, n.twoInstances),
  ];
  /**
   * A throughput ratio against its floor, inconclusive when a saturation limit could flip it.
   * @param {string} what @param {number | null} value @param {number} floor
   * @param {string | null} tandemBy @param {string | null} peerBy @param {string | null} [note]
   */
  const throughput = (what, value, floor, tandemBy, peerBy, note = null) => ({
    what,
    value: ratio(value),
    target: `≥ ${floor.toFixed(2)}×`,
    met: met(value, (v) => v >= floor),
    inconclusive: inconclusive(value, floor, tandemBy, peerBy),
    note: value === null ? null : note,
  });
  const by = r.limitedBy;
  /** @type {{ what: string, value: string, target: string, met: boolean | null, noisy: string | null, note: string | null, inconclusive: boolean }[]} */
  const headline = [];
  for (const h of r.headline) {
    const floor = h.key.startsWith("capacityVsCeiling") ? 0.6 : h.key.startsWith("capacityVsSocketIo") ? 1.5 : null;
    headline.push({
      what: h.what,
      value: spreadText(h.spread, ratio),
      target: floor === null ? "≤ 1.00× (the same or better)" : `≥ ${floor.toFixed(2)}×`,
      met: h.spread === null ? null : floor === null ? h.spread.median <= 1 : h.spread.median >= floor,
      noisy: null,
      note: null,
      inconclusive: false,
    });
  }
  const p50 = r.tandemAt1000?.p50 ?? null;
  const p99 = r.tandemAt1000?.p99 ?? null;
  return [...headline, ...[
    throughput("Tandem ÷ ceiling, deliveries/s at saturation (secondary)", r.throughputVsCeiling, 0.6, by.tandem, by.ceiling, throughputNote("ceiling", by.tandem, by.ceiling, r.cpuPerWrite.ceiling)),
    throughput("Tandem ÷ Socket.IO, deliveries/s at saturation (secondary)", r.throughputVsSocketIo, 1.5, by.tandem, by.socketio, throughputNote("Socket.IO peer", by.tandem, by.socketio, r.cpuPerWrite.socketio)),
    { what: "Tandem ÷ Socket.IO, heap per idle socket", value: ratio(r.heapPerSocketVsSocketIo), target: "≤ 0.60×", met: met(r.heapPerSocketVsSocketIo, (v) => v <= 0.6) },
    { what: "Tandem heap per idle socket", value: `${num(r.tandemHeapPerSocketKB)} KB`, target: "≤ 6 KB", met: met(r.tandemHeapPerSocketKB, (v) => v <= 6) },
    { what: "Tandem p50 at 1,000 writes/s", value: `${spreadText(p50, (v) => num(v, 2))} ms`, target: "≤ 1 ms", met: met(p50?.median, (v) => v <= 1) },
    { what: "Tandem p99 at 1,000 writes/s", value: `${spreadText(p99, (v) => num(v))} ms`, target: "≤ 5 ms", met: met(p99?.median, (v) => v <= 5) },
    { what: `Redis: added p50 at ${r.redisLowRate ?? "—"} writes/s`, value: `${num(r.redisAddedP50Ms, 2)} ms`, target: "≤ 0.5 ms", met: met(r.redisAddedP50Ms, (v) => v <= 0.5) },
    // The pair stands for "Tandem" here, one instance (Tandem's own saturation) for the peer.
    throughput("Redis: throughput ÷ one instance", r.redisThroughputVsOne, TARGET_SHARE, by.twoInstances, by.tandem),
  ].map((check, i) => ({ note: null, inconclusive: false, ...check, noisy: noisyFor[i] ?? null }))];
}

/**
 * Whether a throughput ratio's verdict cannot be trusted because the saturation search on the side
 * that would flip it did not end at that server's own limit (the driver gave out, or both were
 * near their limits, or no rate failed at all): a peer that could do more makes a met target
 * doubtful, and so does Tandem for a missed one. The other two cases stand: the true ratio only
 * moves further the same way. For Redis, "Tandem" is the two-instance pair and the "peer" one instance.
 * @param {number | null} value @param {number} target @param {string | null} tandemBy @param {string | null} peerBy
 */
function inconclusive(value, target, tandemBy, peerBy) {
  if (value === null) return false;
  return value >= target ? notOwnLimit(peerBy) : notOwnLimit(tandemBy);
}

/** The verdict as printed: met, MISSED, not measured, inconclusive, or noisy (with what it would have been). */
export function verdict(/** @type {ReturnType<typeof targetChecks>[number]} */ c) {
  if (c.met === null) return "not measured";
  if (c.inconclusive) return `inconclusive (would be ${c.met ? "met" : "missed"}, but a limit on the side that decides it was not the server's own)`;
  const plain = c.met ? "met" : "MISSED";
  return c.noisy ? `noisy (would be ${plain.toLowerCase()}): ${c.noisy}` : plain;
}

/** @param {ReturnType<typeof targetChecks>} checks */
export function ratiosText(checks) {
  const width = Math.max(...checks.map((c) => c.what.length));
  return checks
    .map((c) => `${c.what.padEnd(width)}  ${c.value.padStart(10)}  target ${c.target.padEnd(9)} ${verdict(c)}${c.note ? `\n${" ".repeat(width + 2)}(${c.note})` : ""}`)
    .join("\n");
}
