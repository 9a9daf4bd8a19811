import { execFileSync } from "node:child_process";
import os from "node:os";

/**
 * Which core runs what. On a machine with at least two cores and `taskset` (util-linux), the
 * driver takes the first core and every server (and redis-server) the second, so the load
 * generator never steals the server's CPU and the server is measured on exactly one core. On
 * anything smaller, nothing is pinned and the report says so.
 *
 * @typedef {{ pinned: boolean, driverCore: number | null, serverCore: number | null,
 *   serverCores: number, cpus: number, model: string, reason: string }} CpuPlan
 */

/** @returns {CpuPlan} */
export function planCpus() {
  const cpus = os.availableParallelism();
  const model = os.cpus()[0]?.model?.trim() ?? "unknown CPU";
  if (cpus < 2) return { pinned: false, driverCore: null, serverCore: null, serverCores: cpus, cpus, model, reason: "fewer than 2 cores" };
  if (!hasTaskset()) return { pinned: false, driverCore: null, serverCore: null, serverCores: cpus, cpus, model, reason: "taskset not found" };
  const allowed = allowedCores();
  if (allowed.length < 2) return { pinned: false, driverCore: null, serverCore: null, serverCores: cpus, cpus, model, reason: "fewer than 2 cores allowed" };
  const [driverCore, serverCore] = /** @type {[number, number]} */ (allowed);
  return { pinned: true, driverCore, serverCore, serverCores: 1, cpus, model, reason: "taskset" };
}

/**
 * Pins this process (all its threads: `-a`) to the driver's core. If the system refuses, nothing
 * is pinned (servers included) and the plan says why, rather than half a plan being measured.
 * @param {CpuPlan} plan
 * @returns {CpuPlan}
 */
export function pinDriver(plan) {
  if (!plan.pinned || plan.driverCore === null) return plan;
  try {
    execFileSync("taskset", ["-a", "-p", "-c", String(plan.driverCore), String(process.pid)], { stdio: "ignore" });
    return plan;
  } catch {
    return { ...plan, pinned: false, driverCore: null, serverCore: null, serverCores: plan.cpus, reason: "taskset refused to pin the driver" };
  }
}

/**
 * The command line that starts `command args` on the server's core.
 * @param {CpuPlan} plan @param {string} command @param {string[]} args
 * @returns {{ command: string, args: string[] }}
 */
export function onServerCore(plan, command, args) {
  if (!plan.pinned || plan.serverCore === null) return { command, args };
  return { command: "taskset", args: ["-c", String(plan.serverCore), command, ...args] };
}

function hasTaskset() {
  try {
    execFileSync("taskset", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The cores this process may run on (a container may allow fewer than the machine has). */
function allowedCores() {
  try {
    const out = execFileSync("taskset", ["-c", "-p", String(process.pid)], { encoding: "utf8" });
    const list = out.split(":").pop()?.trim() ?? "";
    /** @type {number[]} */
    const cores = [];
    for (const part of list.split(",")) {
      const [a, b] = part.split("-").map(Number);
      if (a === undefined || Number.isNaN(a)) continue;
      for (let c = a; c <= (b ?? a); c++) cores.push(c);
    }
    return cores;
  } catch {
    return [];
  }
}
