import { PerformanceObserver, monitorEventLoopDelay } from "node:perf_hooks";

/**
 * The driver watching itself, as `probe/serverProbe.mjs` watches each server: garbage-collection
 * time and event-loop delay during a window. A driver that stalls delays sends and receipts
 * alike, and would be blamed on the server if nobody looked.
 */
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
const gc = { ms: 0, count: 0, maxMs: 0 };
/** @type {PerformanceObserver | undefined} */
let observer;

export function driverWindowStart() {
  if (observer === undefined) {
    loopDelay.enable();
    observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
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
