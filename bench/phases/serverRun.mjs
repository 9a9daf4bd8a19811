import path from "node:path";
import { now } from "../lib/clock.mjs";
import { summarizeProfile } from "../lib/cpuProfile.mjs";
import { measureFanout } from "../lib/fanout.mjs";
import { withTimeout } from "../lib/withTimeout.mjs";
import { idleMemory } from "./idleMemory.mjs";
import { saturate } from "./saturation.mjs";
import { signInUnderLoad } from "./signInUnderLoad.mjs";
import { backlogLimit, sweep } from "./sweep.mjs";

/**
 * Every single-instance phase for one server, on one connected population (connecting 5,000
 * sockets is the slowest part of a run, so it is done once per server): start, idle memory, a
 * warm-up window (unrecorded: until V8 has compiled the server's hot code), the latency sweep, the saturation search, a CPU
 * profile window (Tandem only), sign-in under load, stop. Each phase runs under a time cap.
 *
 * @param {import("../targets/TandemTarget.mjs").TandemTarget | import("../targets/PeerTarget.mjs").PeerTarget} target
 * @param {import("../lib/options.mjs").Options & { hashMs: number, serverCores: number, serverCore: number | null,
 *   profileDir: string | null, referenceRate: number | null,
 *   log: (line: string) => void }} o
 */
export async function runServer(target, o) {
  const { log } = o;
  /**
   * @template T
   * @param {string} name @param {number} capMs @param {() => Promise<T>} body
   * @returns {Promise<T>}
   */
  async function phase(name, capMs, body) {
    const t = now();
    const result = await withTimeout(`${target.name}: ${name}`, capMs, body());
    log(`${target.name}: ${name} (${((now() - t) / 1000).toFixed(1)} s)`);
    return result;
  }
  /** @type {Record<string, unknown>} */
  const out = {};
  const onWindow = (/** @type {import("../lib/fanout.mjs").FanoutResult} */ r) =>
    log(`${target.name}:   ${describeWindow(r)}`);
  try {
    if ("createAccounts" in target) await phase(`${o.users} accounts`, 40_000, () => target.createAccounts());
    await phase("start", 30_000, () => target.start());
    const probe = /** @type {import("../lib/probe.mjs").Probe} */ (target.probes[0]);
    const before = await probe.memory();
    const connectStart = now();
    await phase(`connect ${o.users * o.devicesPerUser} sockets`, 60_000, () => Promise.all([target.connect(), target.createSigninAccounts()]));
    out.connect = { sockets: target.socketCount, seconds: Math.round(now() - connectStart) / 1000 };
    out.idle = await phase("idle memory", 15_000, () => idleMemory(before, probe, target.socketCount));

    await phase("warm-up", 15_000, () =>
      measureFanout(target, { rate: o.warmup.rate, durationMs: o.warmup.windowMs, drainMs: o.drainMs, maxInflight: o.warmup.rate }),
    );
    const sweepResults = await phase("latency sweep", 60_000, () => sweep(target, target.probes, { rates: o.rates, windowMs: o.windowMs, drainMs: o.drainMs, serverCore: o.serverCore, onWindow }));
    out.sweep = sweepResults;
    if (o.referenceRate !== null && target.name === "tandem") {
      // For the two-instance phase: one instance at a rate where neither is near saturation.
      out.lowRate = await phase(`${o.referenceRate} w/s reference`, 15_000, () =>
        measureFanout(target, { rate: o.referenceRate ?? 100, durationMs: o.windowMs, drainMs: o.drainMs, probes: target.probes, serverCore: o.serverCore, maxInflight: backlogLimit(o.referenceRate ?? 100) }),
      );
    }
    const saturation = await phase("saturation", 60_000, () =>
      saturate(target, target.probes, { known: sweepResults, windowMs: o.stepMs, drainMs: o.drainMs, maxSteps: o.maxSteps, bisections: o.bisections, serverCore: o.serverCore, onWindow }),
    );
    out.saturation = saturation;

    if (o.profileDir !== null && target.name === "tandem") {
      // At the saturation point the server is as busy as it gets while still keeping up, so the
      // profile shows where its CPU goes without a backlog distorting the window.
      const rate = saturation.heldRate > 0 ? saturation.heldRate : (o.rates[0] ?? 100);
      out.profile = await phase("cpu profile", 30_000, async () => {
        const file = path.join(o.profileDir ?? "", `${target.name}-${rate}.cpuprofile`);
        await probe.profileStart();
        await measureFanout(target, { rate, durationMs: o.profileMs, drainMs: o.drainMs, maxInflight: backlogLimit(rate) });
        await probe.profileStop(file);
        const summary = await summarizeProfile(file);
        log(`${target.name}:   profile: ${summary.concerns.slice(0, 5).map((c) => `${c.name.replace(/ \(.*/, "")} ${c.percent}%`).join(", ")}`);
        return { rate, windowMs: o.profileMs, file: path.basename(file), ...summary };
      });
    }

    const signInRate = o.rates[0] ?? 100;
    out.signIn = await phase("sign-in under load", 30_000, () =>
      signInUnderLoad(target, target.probes, {
        rate: signInRate,
        windowMs: o.signInMs,
        drainMs: o.drainMs,
        concurrency: o.signInConcurrency,
        hashMs: o.hashMs,
        serverCores: o.serverCores,
        serverCore: o.serverCore,
        baseline: sweepResults.find((r) => r.rate === signInRate),
      }),
    );
    return out;
  } finally {
    await target.stop();
  }
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
