// Whether two runs agree: for every headline ratio (computed as `npm run bench` prints them), the
// median of each run and how far apart they are, and whether that is within ±15 % (the
// benchmark's reproducibility bar). Also the headline's CPU per write and p99 of each server.
//
//   node bench/tools/compareRuns.mjs results/tmp/<first>.json results/<second>.json [--tolerance 0.15]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { headlineRatios } from "../report/ratios.mjs";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { tolerance: { type: "string", default: "0.15" } } });
const tolerance = Number(values.tolerance);
if (positionals.length !== 2) {
  process.stderr.write("usage: node bench/tools/compareRuns.mjs A.json B.json [--tolerance 0.15]\n");
  process.exit(2);
}
const [a, b] = positionals.map((file) => JSON.parse(readFileSync(file, "utf8")));
const ra = new Map(headlineRatios(a).map((r) => [r.key, r]));
let worst = 0;
for (const r of headlineRatios(b)) {
  const other = ra.get(r.key);
  if (!other?.spread || !r.spread) continue;
  const diff = r.spread.median / other.spread.median - 1;
  worst = Math.max(worst, Math.abs(diff));
  const range = (/** @type {import("../lib/spread.mjs").Spread} */ s) => `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
  process.stdout.write(`${r.what.padEnd(58)} ${range(other.spread).padEnd(20)} ${range(r.spread).padEnd(20)} ${(diff * 100).toFixed(1).padStart(6)} %  ${Math.abs(diff) <= tolerance ? "within" : "OUTSIDE"} ±${tolerance * 100} %\n`);
}
for (const name of Object.keys(b.headline?.servers ?? {})) {
  for (const rate of b.headline.rates) {
    const x = a.headline?.servers?.[name]?.[String(rate)];
    const y = b.headline.servers[name][String(rate)];
    if (!x || !y) continue;
    process.stdout.write(
      `${name} at ${rate} w/s: CPU per write ${x.cpuPerWriteMs?.median} → ${y.cpuPerWriteMs?.median} ms, p99 ${x.p99?.median} → ${y.p99?.median} ms\n`,
    );
  }
}
process.stdout.write(`load average before/after: A ${a.machine.loadAverage.join(", ")} / ${a.machine.loadAverageAfter?.join(", ")}; B ${b.machine.loadAverage.join(", ")} / ${b.machine.loadAverageAfter?.join(", ")}\n`);
process.stdout.write(`largest difference between the runs' headline ratios: ${(worst * 100).toFixed(1)} %\n`);
