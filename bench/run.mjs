/**
 * `npm run bench`: Tandem, a Socket.IO peer and a bare `ws` ceiling doing the same fan-out job,
 * measured side by side in one run, in interleaved rounds. See README.md for the method; `--help`
 * for the options.
 *
 * Progress goes to stderr; the table, then the ratios, go to stdout; the same numbers go to
 * bench/results/<date>.json, and the README's results section is rewritten. Bounded: each phase has a time cap, the whole run a budget, and however it
 * ends (done, error, Ctrl-C) every process it started is stopped.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bcryptHashMs } from "./lib/bcryptTiming.mjs";
import { killAllChildrenNow, stopAllChildren } from "./lib/children.mjs";
import { now } from "./lib/clock.mjs";
import { pinDriver, planCpus } from "./lib/cpuPlan.mjs";
import { ensureFdLimit, fdsNeeded } from "./lib/fdLimit.mjs";
import { parseOptions } from "./lib/options.mjs";
import { coreBusyNow } from "./lib/quietCheck.mjs";
import { hasRedis } from "@tandem/testkit";
import { withTimeout } from "./lib/withTimeout.mjs";
import { measureFloor } from "./phases/floor.mjs";
import { interleaved } from "./phases/interleaved.mjs";
import { describeWindow, prepareServer, secondaryPhases } from "./phases/serverRun.mjs";
import { twoInstances } from "./phases/twoInstances.mjs";
import { updateReadme } from "./report/readme.mjs";
import { computeRatios, ratiosText, targetChecks } from "./report/ratios.mjs";
import { terminalTable } from "./report/table.mjs";
import { smokeFailures } from "./report/smokeCheck.mjs";
import { CeilingTarget } from "./targets/CeilingTarget.mjs";
import { SocketIoTarget } from "./targets/SocketIoTarget.mjs";
import { TANDEM_MAIN, TandemTarget, tandemMain } from "./targets/TandemTarget.mjs";

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(BENCH, "results");
/** Scratch output (profiles, smoke results): ignored by git (see the root .gitignore). */
const SCRATCH = path.join(RESULTS, "tmp");

const options = (() => {
  try {
    return parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
})();
const t0 = now();
const log = (/** @type {string} */ line) => process.stderr.write(`[bench ${((now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);
/** @type {string[]} */
const tempDirs = [];
let ending = false;
/** @type {Record<string, any>} what has been measured so far; saved even if the run fails */
const results = {};
let saved = false;

/** Stops every child, saves what was measured if the run failed, removes temp dirs, exits. Once. */
async function end(/** @type {number} */ code, /** @type {string} */ reason = "") {
  if (ending) return;
  ending = true;
  if (reason) log(reason);
  await stopAllChildren().catch(() => killAllChildrenNow());
  if (!saved && results.startedAt !== undefined) {
    const file = path.join(SCRATCH, `incomplete-${fileStamp(results.startedAt)}.json`);
    await writeFile(file, JSON.stringify({ ...results, incomplete: reason }, null, 2) + "\n").catch(() => {});
    log(`partial results: ${path.relative(process.cwd(), file)}`);
  }
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true }).catch(() => {})));
  process.exit(code);
}
process.on("SIGINT", () => void end(130, "interrupted: stopping the servers"));
process.on("SIGTERM", () => void end(143, "terminated: stopping the servers"));
process.on("uncaughtException", (err) => void end(1, `failed: ${err.stack ?? err}`));
process.on("unhandledRejection", (err) => void end(1, `failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
// If the process goes down some other way, no server may outlive it.
process.on("exit", killAllChildrenNow);
setTimeout(() => void end(1, `over the run's budget of ${options.budgetMs / 1000} s: aborted`), options.budgetMs).unref();

await main();
await end(Number(process.exitCode ?? 0));

async function main() {
  if (options.servers.includes("tandem") && !existsSync(options.tandem === null ? TANDEM_MAIN : tandemMain(options.tandem))) {
    throw new Error(options.tandem === null ? `${path.relative(process.cwd(), TANDEM_MAIN)} is missing: build first (npm run build)` : `${tandemMain(options.tandem)} is missing: run npm ci && npm run build in ${options.tandem}`);
  }
  if (options.baseline !== null && !existsSync(tandemMain(options.baseline))) {
    throw new Error(`${tandemMain(options.baseline)} is missing: run npm ci && npm run build in ${options.baseline}`);
  }
  const plan = pinDriver(planCpus());
  const sockets = options.users * options.devicesPerUser;
  // Every server keeps its sockets open for the whole of the interleaved rounds.
  const serverCount = options.servers.length + (options.baseline === null ? 0 : 1);
  const fd = ensureFdLimit(fdsNeeded(sockets, serverCount));
  const redis = options.redis && options.servers.includes("tandem") && hasRedis();
  if (options.redis && options.servers.includes("tandem") && !redis) log("redis-server not found: skipping the two-instance phase");
  await mkdir(SCRATCH, { recursive: true });

  log(`measuring bcrypt at cost ${options.bcryptCost}`);
  const hashMs = await bcryptHashMs(options.bcryptCost, options.smoke ? 1 : 3);
  const busy = await coreBusyNow(plan.cpus);
  const machine = { ...describeMachine(plan, fd), coreBusyBeforeStart: busy };
  log(machine.summary);
  if (busy.some((b) => b > 0.2)) {
    log(`warning: the cores are already busy (${busy.map((b) => `${Math.round(b * 100)}%`).join(", ")}) before the run: expect pessimistic, noisy numbers`);
  }

  Object.assign(results, {
    startedAt: new Date().toISOString(),
    smoke: options.smoke,
    machine,
    config: {
      servers: options.servers,
      users: options.users,
      devicesPerUser: options.devicesPerUser,
      sockets,
      rates: options.rates,
      repeats: options.repeats,
      headlineWindowMs: options.headlineWindowMs,
      baseline: options.baseline,
      windowMs: options.windowMs,
      saturationStepMs: options.stepMs,
      heldP99Ms: 50,
      bcryptCost: options.bcryptCost,
      bcryptHashMs: hashMs,
      signInConcurrency: options.signInConcurrency,
      tandem: "apps/server/dist/main.js, NODE_ENV=production, embedded SQLite in a temp dir, the default LOG_LEVEL (info)",
    },
    servers: {},
  });

  results.floor = await withTimeout("floor", 20_000, measureFloor(plan, { roundTrips: options.floorRoundTrips }));
  log(`floor: TCP round trip p50 ${results.floor.rtt.p50} ms, p99 ${results.floor.rtt.p99} ms`);

  /** @type {TandemTarget | undefined} */
  let tandem;
  /** @type {(TandemTarget | import("./targets/PeerTarget.mjs").PeerTarget)[]} */
  const targets = [];
  const names = options.servers.flatMap((name) => (name === "tandem" && options.baseline !== null ? ["tandem", "baseline"] : [name]));
  for (const name of names) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), `tandem-bench-${name}-`));
    tempDirs.push(dataDir);
    const common = { plan, dataDir, users: options.users, devicesPerUser: options.devicesPerUser, bcryptCost: options.bcryptCost, signinUsers: options.signinUsers };
    const sessionSecret = randomBytes(32).toString("base64url");
    const target =
      name === "tandem"
        ? (tandem = new TandemTarget({ ...common, sessionSecret, ...(options.tandem === null ? {} : { repo: path.resolve(options.tandem) }) }))
        : name === "baseline"
          ? new TandemTarget({ ...common, sessionSecret, name, repo: path.resolve(/** @type {string} */ (options.baseline)) })
          : name === "socketio"
            ? new SocketIoTarget(common)
            : new CeilingTarget(common);
    targets.push(target);
  }
  results.config.order = names;
  const runOptions = { ...options, hashMs, serverCores: plan.serverCores, serverCore: plan.serverCore, profileDir: options.profile ? SCRATCH : null, referenceRate: redis ? options.lowRate : null, log };
  try {
    for (const target of targets) results.servers[target.name] = await prepareServer(target, runOptions);
    const t = now();
    const { rates, repeats, headlineWindowMs: windowMs, drainMs } = options;
    results.headline = await withTimeout(
      "interleaved rounds",
      targets.length * rates.length * repeats * (windowMs + drainMs + 2000),
      interleaved(targets, { rates, repeats, windowMs, drainMs, serverCore: plan.serverCore, onWindow: (name, r) => log(`${name}:   ${describeWindow(r)}`) }),
    );
    log(`interleaved rounds (${((now() - t) / 1000).toFixed(1)} s)`);
    for (const target of targets) {
      // The last round's window at each rate: where the saturation search starts, and the sign-in phase's reference.
      const known = rates.map((rate) => /** @type {import("./lib/fanout.mjs").FanoutResult} */ (results.headline.servers[target.name][String(rate)].windows.at(-1)));
      results.servers[target.name].sweep = known;
      if (target.name !== "baseline") Object.assign(results.servers[target.name], await secondaryPhases(target, runOptions, known));
      await target.stop();
    }
  } finally {
    await Promise.all(targets.map((t) => t.stop()));
  }

  if (redis && tandem) {
    const one = results.servers.tandem;
    const t = now();
    results.twoInstances = await withTimeout(
      "two instances + Redis",
      180_000,
      twoInstances(tandem, options, {
        plan,
        onWindow: (r) => log(`tandem ×2:   ${describeWindow(r)}`),
        oneInstance: { sweep: one.sweep, low: one.lowRate, saturation: one.saturation },
      }),
    );
    log(`tandem: two instances + Redis (${((now() - t) / 1000).toFixed(1)} s)`);
  }

  results.finishedAt = new Date().toISOString();
  results.machine.loadAverageAfter = os.loadavg().map((l) => Math.round(l * 100) / 100);
  results.durationS = Math.round((now() - t0) / 100) / 10;
  results.ratios = computeRatios(results);
  const checks = targetChecks(results.ratios);
  results.targets = checks;

  const stamp = fileStamp(results.startedAt);
  const jsonName = options.smoke ? `smoke-${stamp}.json` : `${stamp}.json`;
  // Only the run the README quotes is committed; every other run's numbers go to results/tmp/.
  const jsonDir = options.writeReadme ? RESULTS : SCRATCH;
  await writeFile(path.join(jsonDir, jsonName), JSON.stringify(results, null, 2) + "\n");
  saved = true;
  if (options.writeReadme) await updateReadme(path.join(BENCH, "README.md"), results, checks, jsonName);

  process.stdout.write(`\n${terminalTable(results)}\n\n* = did not hold (p99 > 50 ms, lost deliveries, or cut short)\n\n`);
  process.stdout.write(`${ratiosText(checks)}\n\n`);
  if (options.smoke) process.stdout.write("(--smoke: 10 sockets and a few short windows; these figures say nothing about speed)\n\n");
  log(`wrote ${path.relative(process.cwd(), path.join(jsonDir, jsonName))} in ${results.durationS} s`);

  if (options.smoke) {
    const failures = smokeFailures(results);
    for (const f of failures) log(`smoke: ${f}`);
    if (failures.length > 0) process.exitCode = 1;
    else log("smoke: every server delivered every event, once, to the right devices");
  }
}

/** An ISO time usable in a file name on any system: 2026-11-25T19-11-09Z. */
function fileStamp(/** @type {string} */ iso) {
  return iso.replace(/:/g, "-").replace(/\.\d+Z$/, "Z");
}

/** @param {import("./lib/cpuPlan.mjs").CpuPlan} plan @param {{ soft: number, hard: number }} fd */
function describeMachine(plan, fd) {
  const memGiB = Math.round(os.totalmem() / 2 ** 30);
  const pinning = plan.pinned ? `driver on core ${plan.driverCore}, servers on core ${plan.serverCore} (taskset)` : `not pinned (${plan.reason})`;
  return {
    cpuModel: plan.model,
    cpus: plan.cpus,
    memGiB,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    pinned: plan.pinned,
    driverCore: plan.driverCore,
    serverCore: plan.serverCore,
    openFiles: fd,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    summary: `${plan.model}, ${plan.cpus} cores, ${memGiB} GiB, Node ${process.version}, ${pinning}`,
  };
}
