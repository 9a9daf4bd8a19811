import { now } from "./clock.mjs";
import { latencyHistogram, recordMs } from "./histogram.mjs";

/**
 * An open-loop schedule: write `k` is due at `start + k / rate`, whether or not earlier writes
 * have been answered. Every latency is then taken from that *intended* time, so a server that
 * stalls is charged for every write that should have gone out meanwhile, not just the one that
 * was stuck (Gil Tene's "coordinated omission"; wrk2 does the same).
 *
 * Node's timers have 1 ms granularity, which is the size of what is being measured, so when the
 * next write is less than 2 ms away the loop yields with setImmediate (I/O still runs between
 * turns) instead of sleeping. That keeps the driver's core busy on purpose; how late writes
 * actually went out is reported as `sendLag`, so a saturated driver shows up in the results.
 *
 * @param {{ rate: number, durationMs: number, fire: (k: number, intendedMs: number) => void,
 *   shouldStop?: () => boolean }} options
 * @returns {Promise<{ fired: number, planned: number, stoppedEarly: boolean, startMs: number,
 *   sendLag: import("hdr-histogram-js").Histogram }>}
 */
export function runOpenLoop({ rate, durationMs, fire, shouldStop = () => false }) {
  const planned = Math.max(1, Math.round((rate * durationMs) / 1000));
  const intervalMs = 1000 / rate;
  const sendLag = latencyHistogram();
  return new Promise((resolve) => {
    const startMs = now() + 1;
    let k = 0;
    const tick = () => {
      const t = now();
      while (k < planned && startMs + k * intervalMs <= t) {
        if (shouldStop()) {
          resolve({ fired: k, planned, stoppedEarly: true, startMs, sendLag });
          return;
        }
        const intended = startMs + k * intervalMs;
        recordMs(sendLag, now() - intended);
        fire(k, intended);
        k++;
      }
      if (k >= planned) {
        resolve({ fired: k, planned, stoppedEarly: false, startMs, sendLag });
        return;
      }
      const wait = startMs + k * intervalMs - now();
      if (wait > 2) setTimeout(tick, wait - 1.5);
      else setImmediate(tick);
    };
    tick();
  });
}
