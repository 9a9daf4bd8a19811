// How long one user at the caps can hold the server's event loop: starts the built server
// (`apps/server/dist/main.js`, as the Procfile runs it) on a loopback port, fills one user with
// `--todos` todos of `--chars` characters, opens `--sockets` devices of that user, then runs the
// list, toggle-all (both ways) and clear-completed, each over the whole list. For each operation
// it prints the longest event-loop delay inside the server (`monitorEventLoopDelay`, from this
// file `--import`ed into the server), the most CPU time the server's main thread spent between
// two ticks of a 1 ms timer (the longest task's own cost, which other processes competing for the
// cores do not inflate, as they do the delay), and the slowest `/healthz` answered meanwhile
// (polled back to back from a worker thread, so this process's own work never delays a poll).
// An operation lasts until every device has received its events, so the relay is inside the window.
//
//   node bench/tools/loopAtCaps.mjs [--runs 5] [--todos 5000] [--chars 1000] [--sockets 2]
//                                   [--server path/to/main.js]
//
// `--server` runs another build (say, a copy of an older one) with the same driver.
// Needs a built tree (`npm run build`). Each run is a fresh server and data dir; the summary
// gives the median and range over the runs. The fill runs with the write rate limit raised
// (WRITE_RATE_PER_USER, WRITE_BURST_PER_USER), as it is not what is measured.
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { startServerProcess } from "@tandem/testkit";
import { Api, Device } from "./capsClient.mjs";
import { spread } from "../lib/spread.mjs";

const THIS_FILE = fileURLToPath(import.meta.url);
const SERVER_MAIN = path.resolve(path.dirname(THIS_FILE), "../../apps/server/dist/main.js");
const PROBE_ENV = "TANDEM_LOOP_PROBE";

/**
 * Inside the server (loaded with `--import`): the event loop's longest delay and its busiest
 * turn's CPU time since the last reset, reported over the IPC channel when the driver asks.
 */
function runProbe() {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let cpuMaxMs = 0;
  let last = process.threadCpuUsage();
  setInterval(() => {
    const used = process.threadCpuUsage(last);
    last = process.threadCpuUsage();
    cpuMaxMs = Math.max(cpuMaxMs, (used.user + used.system) / 1000);
  }, 1).unref();
  process.on("message", (message) => {
    if (message === "loop:reset") {
      delay.reset();
      cpuMaxMs = 0;
    }
    if (message === "loop:read") process.send?.({ loopMaxMs: delay.max / 1e6, cpuMaxMs });
  });
}

/** In a worker thread: `/healthz` back to back until told to stop, then the slowest answer. */
async function runPoller(/** @type {string} */ url) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let stop = false;
  let maxMs = 0;
  let polls = 0;
  parentPort?.once("message", () => (stop = true));
  while (!stop) {
    const started = performance.now();
    await new Promise((resolve, reject) => {
      http.get(`${url}/healthz`, { agent }, (res) => {
        res.resume();
        res.once("end", resolve);
      }).once("error", reject);
    });
    maxMs = Math.max(maxMs, performance.now() - started);
    polls += 1;
  }
  agent.destroy();
  parentPort?.postMessage({ maxMs, polls });
}

/**
 * @typedef {{ op: string, status: number, requestMs: number, bytes: number, changes: number,
 *   loopMaxMs: number, cpuMaxMs: number, healthzMaxMs: number, polls: number, delivered: number[], closes: string[] }} OpResult
 */

async function runDriver() {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "5" },
      todos: { type: "string", default: "5000" },
      chars: { type: "string", default: "1000" },
      sockets: { type: "string", default: "2" },
      concurrency: { type: "string", default: "16" },
      server: { type: "string", default: SERVER_MAIN },
    },
  });
  const runs = Number(values.runs);
  /** @type {OpResult[][]} */
  const all = [];
  for (let run = 1; run <= runs; run++) {
    const results = await oneRun({
      todos: Number(values.todos),
      chars: Number(values.chars),
      sockets: Number(values.sockets),
      concurrency: Number(values.concurrency),
      main: path.resolve(values.server),
      label: `run ${run}/${runs}`,
    });
    all.push(results);
  }
  say(`\nsummary over ${runs} runs (median [min–max] ms)`);
  const ops = all[0]?.map((r) => r.op) ?? [];
  for (const op of ops) {
    const of = (/** @type {(r: OpResult) => number} */ pick) => medianAndRange(all.map((rs) => pick(rs.find((r) => r.op === op) ?? rs[0] ?? fail())));
    say(
      `${op.padEnd(24)} loop max ${of((r) => r.loopMaxMs)}   turn CPU max ${of((r) => r.cpuMaxMs)}   /healthz max ${of((r) => r.healthzMaxMs)}   request ${of((r) => r.requestMs)}`,
    );
  }
}

/** @param {string} line */
function say(line) {
  process.stdout.write(`${line}\n`);
}

/** @returns {never} */
function fail() {
  throw new Error("missing result");
}

/** Median [range] of a figure over the runs. @param {number[]} xs */
function medianAndRange(xs) {
  const s = spread(xs);
  return s === null ? "—" : `${s.median.toFixed(1)} [${s.min.toFixed(1)}–${s.max.toFixed(1)}]`;
}

/**
 * @param {{ todos: number, chars: number, sockets: number, concurrency: number, main: string, label: string }} o
 * @returns {Promise<OpResult[]>}
 */
async function oneRun(o) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "tandem-caps-"));
  const server = await startServer(o.main, dataDir, o.todos);
  try {
    const api = new Api(server.url);
    const signup = await api.request("POST", "/api/auth/signup", { email: `caps-${Date.now()}@example.com`, password: "correct horse battery" });
    if (signup.status !== 201) throw new Error(`signup: ${signup.status}`);

    const fillStarted = performance.now();
    const text = "x".repeat(o.chars);
    let next = 0;
    let created = 0;
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (next < o.todos) {
          next += 1;
          const res = await api.request("POST", "/api/todos", { text });
          if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text.slice(0, 200)}`);
          created += 1;
        }
      }),
    );
    const fillS = (performance.now() - fillStarted) / 1000;
    const overCap = await api.request("POST", "/api/todos", { text });
    say(`${o.label}: created ${created} todos of ${o.chars} characters in ${fillS.toFixed(1)} s; one more: ${overCap.status}`);
    if (overCap.status === 201) {
      const id = /** @type {{ todo: { id: string } }} */ (JSON.parse(overCap.text)).todo.id;
      await api.request("DELETE", `/api/todos/${id}`);
    }

    const devices = await Promise.all(Array.from({ length: o.sockets }, () => Device.open(api)));
    /** @type {OpResult[]} */
    const results = [];
    /** @param {string} op @param {string} method @param {string} pathname @param {unknown} [body] @param {(text: string) => number} [changesOf] */
    const measure = async (op, method, pathname, body, changesOf) => {
      const result = await measured(server, devices, op, () => api.request(method, pathname, body), changesOf);
      results.push(result);
      say(
        `${o.label}: ${op.padEnd(24)} ${result.status} ${(result.bytes / 1e6).toFixed(2)} MB in ${result.requestMs.toFixed(0)} ms, ` +
          `${result.changes} changes; loop max ${result.loopMaxMs.toFixed(1)} ms, turn CPU max ${result.cpuMaxMs.toFixed(1)} ms, /healthz max ${result.healthzMaxMs.toFixed(1)} ms (${result.polls} polls); ` +
          `delivered ${result.delivered.join("/")}${result.closes.length > 0 ? `; sockets closed: ${result.closes.join(", ")}` : ""}`,
      );
    };
    const changed = (/** @type {string} */ key) => (/** @type {string} */ text) => /** @type {Record<string, unknown[]>} */ (JSON.parse(text))[key]?.length ?? 0;
    await measure("GET /api/todos", "GET", "/api/todos");
    await measure("toggle-all done=true", "POST", "/api/todos/toggle-all", { done: true }, changed("todos"));
    await measure("toggle-all done=false", "POST", "/api/todos/toggle-all", { done: false }, changed("todos"));
    await measure("toggle-all done=true #2", "POST", "/api/todos/toggle-all", { done: true }, changed("todos"));
    await measure("clear completed", "DELETE", "/api/todos?done=true", undefined, changed("deleted"));
    for (const device of devices) device.ws.terminate();
    return results;
  } finally {
    await server.kill("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * @param {import("@tandem/testkit").ServerProcess} server
 * @param {Device[]} devices
 * @param {string} op
 * @param {() => Promise<{ status: number, text: string }>} request
 * @param {((text: string) => number) | undefined} changesOf
 * @returns {Promise<OpResult>}
 */
async function measured(server, devices, op, request, changesOf) {
  await askProbe(server.child, "loop:reset");
  const poller = new Worker(THIS_FILE, { workerData: { url: server.url } });
  const polled = new Promise((resolve) => poller.once("message", resolve));
  await sleep(200); // the poller gets going before the operation starts
  const before = devices.map((d) => d.received);
  const started = performance.now();
  const res = await request();
  const requestMs = performance.now() - started;
  const changes = res.status < 300 && changesOf ? changesOf(res.text) : 0;
  await Promise.all(devices.map((d, i) => d.until((before[i] ?? 0) + changes, 30_000)));
  await sleep(200); // the relay's last sends are inside the window, then a little quiet
  poller.postMessage("stop");
  const { maxMs, polls } = /** @type {{ maxMs: number, polls: number }} */ (await polled);
  await poller.terminate();
  const { loopMaxMs, cpuMaxMs } = /** @type {{ loopMaxMs: number, cpuMaxMs: number }} */ (await askProbe(server.child, "loop:read"));
  return {
    op,
    status: res.status,
    requestMs,
    bytes: Buffer.byteLength(res.text),
    changes,
    loopMaxMs,
    cpuMaxMs,
    healthzMaxMs: maxMs,
    polls,
    delivered: devices.map((d, i) => d.received - (before[i] ?? 0)),
    closes: devices.flatMap((d) => (d.closed ? [d.closed] : [])),
  };
}

/** @param {import("node:child_process").ChildProcess} child @param {string} message */
function askProbe(child, message) {
  return new Promise((resolve) => {
    if (message === "loop:read") child.once("message", resolve);
    child.send(message, () => {
      if (message !== "loop:read") resolve(undefined);
    });
  });
}

/** @param {string} main @param {string} dataDir @param {number} todos */
async function startServer(main, dataDir, todos) {
  return startServerProcess({
    entry: main,
    nodeArgs: ["--max-semi-space-size=8", "--import", THIS_FILE],
    env: {
      [PROBE_ENV]: "1",
      NODE_ENV: "test",
      PORT: "0",
      DATA_DIR: dataDir,
      BCRYPT_COST: "4",
      LOG_LEVEL: "info",
      TODOS_MAX_PER_USER: String(todos),
      WRITE_RATE_PER_USER: "100000",
      WRITE_BURST_PER_USER: "100000",
    },
    ipc: true,
    keepLines: 200,
    portFromLine: (line) => {
      const match = /"port":(\d+).*listening|listening on port (\d+)/.exec(line);
      return match ? Number(match[1] ?? match[2]) : undefined;
    },
  });
}

// Last: which of the three roles this module plays.
if (process.env[PROBE_ENV] === "1") {
  // Inside the server; its own worker threads (the WAL checkpointer) inherit the flag: skip them.
  if (isMainThread) runProbe();
} else if (!isMainThread) {
  await runPoller(/** @type {{ url: string }} */ (workerData).url);
} else {
  await runDriver();
}
