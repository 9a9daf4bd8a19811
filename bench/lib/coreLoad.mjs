import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * How busy one CPU core was, from the kernel's own counters (`/proc/stat`, in clock ticks).
 * Compared with the server's own CPU time over the same window it says how much of the server's
 * core *other* processes took: on a shared machine that is the noise in every number, and the
 * results report it rather than leave it to be guessed.
 *
 * @param {number | null} core
 * @returns {{ busy: number, total: number } | null} null where /proc/stat is not readable
 */
export function readCore(core) {
  if (core === null) return null;
  const counters = cpuCounters(`cpu${core}`);
  if (counters === null) return null;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = counters;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/**
 * The tick counters of one `/proc/stat` line (`cpu` for the whole machine, `cpuN` for core N).
 * @param {string} name @returns {number[] | null} null where /proc/stat is not readable
 */
function cpuCounters(name) {
  try {
    const line = readFileSync("/proc/stat", "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${name} `));
    return line === undefined ? null : line.trim().split(/\s+/).slice(1).map(Number);
  } catch {
    return null;
  }
}

/**
 * The fraction of the window the core was busy (0..1).
 * @param {ReturnType<typeof readCore>} before @param {ReturnType<typeof readCore>} after
 */
export function busyFraction(before, after) {
  if (before === null || after === null || after.total === before.total) return null;
  return Math.round(((after.busy - before.busy) / (after.total - before.total)) * 1000) / 1000;
}

/** Clock ticks per second of /proc/stat's counters (USER_HZ: 100 on every mainstream kernel). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time the hypervisor has taken from this machine so far, over all cores (ms; `steal` in
 * /proc/stat, 10 ms resolution). A virtual machine's cores are descheduled now and then, for
 * 10–30 ms at a time here; no process in the machine sees it as load, yet one such pause inside a
 * window is enough to move its p99, so each window records how much was taken.
 * @returns {number | null} null where /proc/stat is not readable
 */
export function readStolenMs() {
  const steal = cpuCounters("cpu")?.[7];
  return steal !== undefined && Number.isFinite(steal) ? (steal * 1000) / TICKS_PER_SECOND : null;
}
