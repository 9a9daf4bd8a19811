import path from "node:path";
import { now } from "../lib/clock.mjs";
import { summarizeProfile } from "../lib/cpuProfile.mjs";
import { backlogLimit, measureFanout } from "../lib/fanout.mjs";
import { withTimeout } from "../lib/withTimeout.mjs";
import { idleMemory } from "./idleMemory.mjs";
import { saturate } from "./saturation.mjs";
import { signInUnderLoad } from "./signInUnderLoad.mjs";

/**
 * @typedef {import("../targets/TandemTarget.mjs").TandemTarget | import("../targets/PeerTarget.mjs").PeerTarget} Target
 * @typedef {import("../lib/options.mjs").Options & { hashMs: number, serverCores: number, serverCore: number | null,
 *   profileDir: string | null, referenceRate: number | null, log: (line: string) => void }} RunOptions
 */

/**
 * Runs `body` under a time cap and logs how long it took.
 * @template T
 * @param {Target} target @param {RunOptions} o @param {string} name @param {number} capMs @param {() => Promise<T>} body
 * @returns {Promise<T>}
 */
async function phase(target, o, name, capMs, body) {
  const t = now();
  const result = await withTimeout(`${target.name}: ${name}`, capMs, body());
  o.log(`${target.name}: ${name} (${((now() - t) / 1000).toFixed(1)} s)`);
  return result;
}

/**
 * Brings one server to where the headline can measure it: accounts, start, every socket connected,
 * idle memory, then an unrecorded warm-up (until V8 has compiled the server's hot code, its CPU
 * and latency measure the compiler). The server stays up, its sockets open, for the interleaved
 * rounds; `secondaryPhases` then measures the rest, and `target.stop()` ends it.
 *
 * @param {Target} target @param {RunOptions} o
 */
export async function prepareServer(target, o) {
  if ("createAccounts" in target) await phase(target, o, `${o.users} accounts`, 40_000, () => target.createAccounts());
  await phase(target, o, "start", 30_000, () => target.start());
  const probe = /** @type {import("../lib/probe.mjs").Probe} */ (target.probes[0]);
  const before = await probe.memory();
  const connectStart = now();
  await phase(target, o, `connect ${o.users * o.devicesPerUser} sockets`, 120_000, () => Promise.all([target.connect(), target.createSigninAccounts()]));
  const connect = { sockets: target.socketCount, seconds: Math.round(now() - connectStart) / 1000 };
  const idle = await phase(target, o, "idle memory", 15_000, () => idleMemory(before, probe, target.socketCount));
  await phase(target, o, "warm-up", 15_000, () =>
    measureFanout(target, { rate: o.warmup.rate, durationMs: o.warmup.windowMs, drainMs: o.drainMs, maxInflight: o.warmup.rate }),
  );
  return { connect, idle };
}

/**
 * The secondary figures of one server, after the headline: the saturation search (started from
 * the headline's windows), a CPU profile window (Tandem only), and sign-in under load.
 *
 * @param {Target} target @param {RunOptions} o
 * @param {import("../lib/fanout.mjs").FanoutResult[]} known one headline window per rate
 */
export async function secondaryPhases(target, o, known) {
  /** @type {Record<string, unknown>} */
  const out = {};
  const onWindow = (/** @type {import("../lib/fanout.mjs").FanoutResult} */ r) => o.log(`${target.name}:   ${describeWindow(r)}`);
  const probe = /** @type {import("../lib/probe.mjs").Probe} */ (target.probes[0]);
  if (o.referenceRate !== null && target.name === "tandem") {
    // For the two-instance phase: one instance at a rate where neither is near saturation.
    const rate = o.referenceRate;
    out.lowRate = await phase(target, o, `${rate} w/s reference`, 15_000, () =>
      measureFanout(target, { rate, durationMs: o.windowMs, drainMs: o.drainMs, probes: target.probes, serverCore: o.serverCore, maxInflight: backlogLimit(rate) }),
    );
  }
  const saturation = await phase(target, o, "saturation", 60_000, () =>
    saturate(target, target.probes, { known, windowMs: o.stepMs, drainMs: o.drainMs, maxSteps: o.maxSteps, bisections: o.bisections, serverCore: o.serverCore, onWindow }),
  );
  out.saturation = saturation;

  if (o.profileDir !== null && target.name === "tandem") {
    // At the saturation point the server is as busy as it gets while still keeping up, so the
    // profile shows where its CPU goes without a backlog distorting the window.
    const rate = saturation.heldRate > 0 ? saturation.heldRate : (o.rates[0] ?? 100);
    out.profile = await phase(target, o, "cpu profile", 30_000, async () => {
      const file = path.join(o.profileDir ?? "", `${target.name}-${rate}.cpuprofile`);
      await probe.profileStart();
      await measureFanout(target, { rate, durationMs: o.profileMs, drainMs: o.drainMs, maxInflight: backlogLimit(rate) });
      await probe.profileStop(file);
      const summary = await summarizeProfile(file);
      o.log(`${target.name}:   profile: ${summary.concerns.slice(0, 5).map((c) => `${c.name.replace(/ \(.*/, "")} ${c.percent}%`).join(", ")}`);
      return { rate, windowMs: o.profileMs, file: path.basename(file), ...summary };
    });
  }

  const signInRate = o.rates[0] ?? 100;
  out.signIn = await phase(target, o, "sign-in under load", 30_000, () =>
    signInUnderLoad(target, target.probes, {
      rate: signInRate,
      windowMs: o.signInMs,
      drainMs: o.drainMs,
      concurrency: o.signInConcurrency,
      hashMs: o.hashMs,
      serverCores: o.serverCores,
      serverCore: o.serverCore,
      baseline: known.find((r) => r.rate === signInRate),
    }),
  );
  return out;
}

/**
 * One line of progress per window: its verdict, and the things that explain most verdicts (how
 * busy the server was, how much of its core something else took, and what the hypervisor took).
 * @param {import("../lib/fanout.mjs").FanoutResult} r
 */
export function describeWindow(r) {
  const verdict = r.held ? "held" : r.overloaded ? "cut short" : "did not hold";
  const other = r.server?.otherLoad === null || r.server?.otherLoad === undefined ? "" : `, other load ${r.server.otherLoad}`;
  const stolen = r.stolenMs ? `, stolen ${r.stolenMs} ms` : "";
  return `${r.rate} w/s → p50 ${r.e2e.p50} ms, p99 ${r.e2e.p99} ms, ${verdict}; server ${r.server?.cpu ?? "?"} cores${other}${stolen}`;
}
