// What the two-instance set-up itself allows: the bare `ws` ceiling (`servers/wsCeiling.mjs`)
// measured the way `npm run bench` measures Tandem, as one instance and then as two instances
// relaying through one redis-server, all three processes on the servers' core. The ceiling's
// relay is the least a bus can do (one PUBLISH per write, the event handed on unparsed), and each
// of its instances keeps a SQLite file of its own (so neither waits for the other's lock), so its
// two-instance throughput ÷ one instance is about the most this set-up lets any server reach, to
// set Tandem's `throughputVsOne` against.
//
//   node bench/tools/ceilingPair.mjs
//
// Needs Debian's redis-server. Takes about 40 s. Prints one line: each set-up's last held rate
// (the bench's saturation search and criterion), what gave out first above it, and the ratio.
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { killAllChildrenNow, stopAllChildren } from "../lib/children.mjs";
import { pinDriver, planCpus } from "../lib/cpuPlan.mjs";
import { ensureFdLimit, fdsNeeded } from "../lib/fdLimit.mjs";
import { backlogLimit, measureFanout } from "../lib/fanout.mjs";
import { parseOptions } from "../lib/options.mjs";
import { hasRedis } from "@tandem/testkit";
import { saturate } from "../phases/saturation.mjs";
import { twoInstances } from "../phases/twoInstances.mjs";
import { CeilingTarget } from "../targets/CeilingTarget.mjs";

if (!hasRedis()) {
  console.error("ceilingPair: needs redis-server (Debian: apt-get install redis-server)");
  process.exit(1);
}
const options = parseOptions([]);
const plan = pinDriver(planCpus());
ensureFdLimit(fdsNeeded(options.users * options.devicesPerUser, 1));
const dataDir = await mkdtemp(path.join(os.tmpdir(), "ceiling-pair-"));
// Interrupted or terminated, no server nor redis-server may outlive the tool, nor its files.
for (const [signal, code] of /** @type {const} */ ([["SIGINT", 130], ["SIGTERM", 143]])) {
  process.once(signal, () => {
    killAllChildrenNow();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(code);
  });
}
try {
  const ceiling = new CeilingTarget({ plan, dataDir, users: options.users, devicesPerUser: options.devicesPerUser, bcryptCost: options.bcryptCost, signinUsers: options.signinUsers });
  const common = { drainMs: options.drainMs, serverCore: plan.serverCore };

  await ceiling.start();
  await ceiling.connect();
  await measureFanout(ceiling, { rate: options.warmup.rate, durationMs: options.warmup.windowMs, drainMs: options.drainMs, maxInflight: options.warmup.rate });
  const known = [];
  for (const rate of options.rates) known.push(await measureFanout(ceiling, { rate, durationMs: options.windowMs, drainMs: options.drainMs, probes: ceiling.probes, serverCore: plan.serverCore, maxInflight: backlogLimit(rate) }));
  const low = await measureFanout(ceiling, { rate: options.lowRate, durationMs: options.windowMs, drainMs: options.drainMs, probes: ceiling.probes, serverCore: plan.serverCore });
  const saturation = await saturate(ceiling, ceiling.probes, { known, ...common, windowMs: options.stepMs, maxSteps: options.maxSteps, bisections: options.bisections });
  await ceiling.stop();

  const pair = await twoInstances(ceiling, options, { plan, onWindow: () => {}, oneInstance: { sweep: known, low, saturation } });
  process.stdout.write(
    `ceiling: one instance held ${saturation.heldRate} writes/s (${Math.round(saturation.deliveriesPerSec)} deliveries/s; gave out first: ${saturation.limitedBy?.by ?? "nothing within the steps"}), ` +
      `two + Redis held ${pair.saturation.heldRate} (${Math.round(pair.saturation.deliveriesPerSec)}; ${pair.saturation.limitedBy?.by ?? "nothing within the steps"}): ${pair.throughputVsOne}× one instance; ` +
      `added p50 at ${options.lowRate} writes/s ${pair.addedP50AtLowRateMs} ms\n`,
  );
} finally {
  await stopAllChildren();
  await rm(dataDir, { recursive: true, force: true });
}
