/**
 * Where a Tandem server's long event-loop stalls come from: starts one server (this checkout's, or
 * `--repo DIR`'s) with the benchmark's population, warms it up, then runs `--windows` windows at
 * `--rate` writes/s, each under the CPU profiler, and prints per window the latency, the loop
 * delay, and the profile's stretches of uninterrupted work (no idle sample) longer than
 * `--stall-ms`, with the functions that took their time.
 *
 *   node bench/tools/stalls.mjs [--rate 1000] [--windows 4] [--users 1000] [--repo DIR]
 */
import { copyFile, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { stopAllChildren } from "../lib/children.mjs";
import { backlogLimit, measureFanout } from "../lib/fanout.mjs";
import { toolTarget } from "./toolTarget.mjs";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "1000" },
    windows: { type: "string", default: "4" },
    users: { type: "string", default: "1000" },
    "window-ms": { type: "string", default: "4000" },
    "stall-ms": { type: "string", default: "25" },
    repo: { type: "string" },
    "no-profile": { type: "boolean", default: false },
    /** Copy each window's profile here (w<i>.cpuprofile) for other tools. */
    keep: { type: "string" },
  },
});
const rate = Number(values.rate);
const stallMs = Number(values["stall-ms"]);
const { plan, dataDir, target } = await toolTarget({ users: Number(values.users), prefix: "tandem-stalls-", repo: values.repo });
try {
  await target.createAccounts();
  await target.start();
  await target.connect();
  const probe = /** @type {import("../lib/probe.mjs").Probe} */ (target.probes[0]);
  await measureFanout(target, { rate: 1500, durationMs: 2500, drainMs: 2000, maxInflight: 1500 });
  const t0 = Date.now();
  for (let i = 0; i < Number(values.windows); i++) {
    const file = path.join(dataDir, `w${i}.cpuprofile`);
    if (!values["no-profile"]) await probe.profileStart(500);
    const r = await measureFanout(target, { rate, durationMs: Number(values["window-ms"]), drainMs: 2000, probes: target.probes, serverCore: plan.serverCore, maxInflight: backlogLimit(rate) });
    if (!values["no-profile"]) await probe.profileStop(file);
    const s = r.server;
    print(
      `window ${i} at +${((Date.now() - t0) / 1000).toFixed(1)} s: ${r.writes} writes, p50 ${r.e2e.p50} p99 ${r.e2e.p99} max ${r.e2e.max} ms; cpu ${s?.cpu} other ${s?.otherLoad}; loop delay p99 ${s?.loopDelayP99Ms} max ${s?.loopDelayMaxMs}; gc ${s?.gcMs} ms (max ${s?.gcMaxMs})`,
    );
    if (values.keep && !values["no-profile"]) await copyFile(file, path.join(values.keep, `w${i}.cpuprofile`));
    if (!values["no-profile"]) print(describeStalls(JSON.parse(await readFile(file, "utf8")), stallMs));
  }
} finally {
  await target.stop();
  await stopAllChildren();
  await rm(dataDir, { recursive: true, force: true });
}

/**
 * @param {{ nodes: { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }[],
 *   samples: number[], timeDeltas: number[], startTime: number }} profile
 * @param {number} minMs
 */
function describeStalls(profile, minMs) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (/** @type {number} */ id) => {
    const n = byId.get(id);
    if (!n) return "?";
    const f = n.callFrame;
    const file = f.url ? f.url.replace(/^.*\/(node_modules\/|apps\/|packages\/)/, "$1") : "";
    return `${f.functionName || "(anon)"}${file ? ` ${file}:${f.lineNumber + 1}` : ""}`;
  };
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  /** @type {string[]} */
  const lines = [];
  let t = profile.startTime;
  let start = -1;
  /** @type {number[]} */
  let ids = [];
  /** @type {number[]} */
  let dts = [];
  let maxGap = 0;
  let busyMs = 0;
  const flush = (/** @type {number} */ end) => {
    const ms = (end - start) / 1000;
    if (start >= 0 && ms >= minMs) {
      /** @type {Map<string, number>} */
      const self = new Map();
      /** @type {Map<string, number>} */
      const incl = new Map();
      ids.forEach((id, k) => {
        const dt = (dts[k] ?? 0) / 1000;
        self.set(name(id), (self.get(name(id)) ?? 0) + dt);
        const seen = new Set();
        for (let p = id; p !== undefined; p = parent.get(p)) {
          const nm = name(p);
          if (seen.has(nm)) continue;
          seen.add(nm);
          incl.set(nm, (incl.get(nm) ?? 0) + dt);
        }
      });
      const top = (/** @type {Map<string, number>} */ m, /** @type {number} */ n) =>
        [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `      ${v.toFixed(1).padStart(6)} ms  ${k}`).join("\n");
      const gaps = dts.filter((d) => d > 5000).length;
      lines.push(`  stall at +${((start - profile.startTime) / 1000).toFixed(0)} ms: ${ms.toFixed(1)} ms busy, ${ids.length} samples, max sample gap ${(Math.max(...dts) / 1000).toFixed(1)} ms (${gaps} gaps > 5 ms)`);
      lines.push("    self:\n" + top(self, 8));
      lines.push("    inclusive:\n" + top(incl, 25));
    }
    start = -1;
    ids = [];
    dts = [];
  };
  profile.samples.forEach((id, k) => {
    const dt = profile.timeDeltas[k] ?? 0;
    t += dt;
    maxGap = Math.max(maxGap, dt);
    if (idle.has(id)) {
      flush(t - dt);
      return;
    }
    busyMs += dt / 1000;
    if (start < 0) start = t - dt;
    ids.push(id);
    dts.push(dt);
  });
  flush(t);
  return `  profile: ${((t - profile.startTime) / 1000).toFixed(0)} ms, non-idle ${busyMs.toFixed(0)} ms, largest sample gap ${(maxGap / 1000).toFixed(1)} ms\n${lines.join("\n")}`;
}

/** @param {string} line */
function print(line) {
  process.stdout.write(`${line}\n`);
}
