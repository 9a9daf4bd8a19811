/**
 * Preloaded into every server under test (`node --expose-gc --import <this file> server.js`), the
 * same way for Tandem and for the two peers, so the driver can read memory and CPU from inside the
 * process and record a CPU profile of a chosen window, without a line of the server changing.
 *
 * It talks over the IPC channel the driver opens when it spawns the server. The channel is
 * unref()'d: the probe must never be what keeps a server alive, nor change how it shuts down.
 */
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { PerformanceObserver, monitorEventLoopDelay } from "node:perf_hooks";

/** @type {Session | undefined} */
let session;

/**
 * What a measurement window cost the server besides CPU: time spent in garbage collection and how
 * late its event loop ran (a blocked loop delays every socket at once). Started once, reset by
 * `windowStart`, read by `windowStop`.
 */
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
const gc = { ms: 0, count: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.ms += entry.duration;
    gc.count += 1;
    gc.maxMs = Math.max(gc.maxMs, entry.duration);
  }
}).observe({ entryTypes: ["gc"] });

/** @type {Record<string, (args: Record<string, unknown>) => Promise<unknown>>} */
const handlers = {
  /**
   * Two full collections: the first may only finalize objects (weak refs, closures of closed
   * sockets) that the second then frees, so one gc() alone over-reports what is still live.
   */
  async memory() {
    if (typeof globalThis.gc !== "function") throw new Error("start the server with --expose-gc");
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
    globalThis.gc();
    const m = process.memoryUsage();
    return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
  },

  async cpu() {
    const usage = process.cpuUsage();
    return { userUs: usage.user, systemUs: usage.system };
  },

  async windowStart() {
    loopDelay.reset();
    Object.assign(gc, { ms: 0, count: 0, maxMs: 0 });
    return {};
  },

  async windowStop() {
    const ms = (/** @type {number} */ ns) => Math.round(ns / 1e3) / 1e3;
    return {
      gcMs: Math.round(gc.ms * 10) / 10,
      gcCount: gc.count,
      gcMaxMs: Math.round(gc.maxMs * 10) / 10,
      loopDelayP99Ms: ms(loopDelay.percentile(99)),
      loopDelayMaxMs: ms(loopDelay.max),
    };
  },

  /** For finding what a socket costs: diff two snapshots by constructor (not used by run.mjs). */
  async heapSnapshot(args) {
    const { writeHeapSnapshot } = await import("node:v8");
    globalThis.gc?.();
    return { file: writeHeapSnapshot(String(args.file)) };
  },

  /** The V8 sampling profiler that `--cpu-prof` uses, but started and stopped around one window. */
  async profileStart(args) {
    session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: Number(args.intervalUs ?? 500) });
    await session.post("Profiler.start");
    return {};
  },

  async profileStop(args) {
    if (session === undefined) throw new Error("no profile running");
    const { profile } = await session.post("Profiler.stop");
    session.disconnect();
    session = undefined;
    await writeFile(String(args.file), JSON.stringify(profile));
    return { file: args.file };
  },
};

if (process.send !== undefined) {
  process.channel?.unref();
  // The driver is gone (killed with SIGKILL, say, so it could not stop us): a benchmark server
  // must never outlive its run.
  process.once("disconnect", () => process.exit(1));
  process.on("message", (/** @type {{ id: number, op: string, args?: Record<string, unknown> }} */ message) => {
    const handler = handlers[message.op];
    const reply = (/** @type {object} */ body) => process.send?.({ id: message.id, ...body });
    if (handler === undefined) {
      reply({ error: `unknown probe op ${message.op}` });
      return;
    }
    handler(message.args ?? {}).then(
      (result) => reply({ result }),
      (err) => reply({ error: err instanceof Error ? err.message : String(err) }),
    );
  });
}
