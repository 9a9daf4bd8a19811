import { PerformanceObserver, monitorEventLoopDelay, performance } from "node:perf_hooks";
import v8 from "node:v8";
import vm from "node:vm";

/**
 * The driver watching itself, as `probe/serverProbe.mjs` watches each server: garbage-collection
 * time and event-loop delay during a window. A driver that stalls delays sends and receipts
 * alike, and would be blamed on the server if nobody looked.
 */
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
const gc = { ms: 0, count: 0, maxMs: 0 };
/** @type {PerformanceObserver | undefined} */
let observer;
/** GC entries arrive after the fact: those that began before the window are not the window's. */
let windowStartedAt = 0;

/**
 * Collects the driver's garbage; called before a window, outside it. The driver's heap (5,000
 * sockets, histograms, the schedule's arrays) grows over the run, and a mark-compact of it that
 * fell inside a window (one of 17 ms was seen at 1,000 writes/s) delayed sends and receipts
 * alike, which the window's latencies then charged to the server. Needs no `--expose-gc` from
 * whoever runs `node bench/run.mjs`: the flag is read when a context is made, so a fresh one has
 * `gc`.
 * @type {() => void}
 */
export const collectDriverGarbage = (() => {
  v8.setFlagsFromString("--expose-gc");
  return /** @type {() => void} */ (vm.runInNewContext("gc"));
})();

export function driverWindowStart() {
  windowStartedAt = performance.now();
  if (observer === undefined) {
    loopDelay.enable();
    observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.startTime < windowStartedAt) continue;
        gc.ms += entry.duration;
        gc.count += 1;
        gc.maxMs = Math.max(gc.maxMs, entry.duration);
      }
    });
    observer.observe({ entryTypes: ["gc"] });
  }
  loopDelay.reset();
  Object.assign(gc, { ms: 0, count: 0, maxMs: 0 });
}

/** @returns {{ gcMs: number, gcMaxMs: number, loopDelayP99Ms: number, loopDelayMaxMs: number }} */
export function driverWindowStop() {
  const ms = (/** @type {number} */ ns) => Math.round(ns / 1e3) / 1e3;
  return {
    gcMs: Math.round(gc.ms * 10) / 10,
    gcMaxMs: Math.round(gc.maxMs * 10) / 10,
    loopDelayP99Ms: ms(loopDelay.percentile(99)),
    loopDelayMaxMs: ms(loopDelay.max),
  };
}
