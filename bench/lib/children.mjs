import { spawn } from "node:child_process";

/**
 * Every process the driver starts, so that however the run ends (done, an error, Ctrl-C, the
 * watchdog) none is left behind. Children are stopped one by one, by their own pid.
 *
 * @typedef {{ name: string, child: import("node:child_process").ChildProcess, lines: string[],
 *   exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>,
 *   stop(graceMs?: number): Promise<void> }} Child
 */

/** @type {Set<Child>} */
const live = new Set();

/**
 * @param {{ name: string, command: string, args: string[], env?: NodeJS.ProcessEnv, ipc?: boolean }} spec
 * @returns {Child}
 */
export function startChild({ name, command, args, env, ipc = false }) {
  const child = spawn(command, args, {
    env: env ?? process.env,
    stdio: ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
  });
  /** @type {string[]} */
  const lines = [];
  const keep = (/** @type {Buffer} */ chunk) => {
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") lines.push(line);
    // Only the tail matters for an error report; a chatty child must not grow the driver.
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return adopt(name, child, lines, /** @type {Child["exited"]} */ (exited));
}

/**
 * Puts a process started elsewhere (by `@tandem/testkit`'s launcher) under the run's care, so it
 * is stopped with the rest however the run ends.
 * @param {string} name @param {import("node:child_process").ChildProcess} child @param {string[]} lines
 * @param {Child["exited"]} exited
 * @returns {Child}
 */
export function adopt(name, child, lines, exited) {
  /** @type {Child} */
  const handle = {
    name,
    child,
    lines,
    exited,
    async stop(graceMs = 3000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }
      live.delete(handle);
    },
  };
  live.add(handle);
  void exited.then(() => live.delete(handle));
  child.once("error", () => live.delete(handle));
  return handle;
}

/** Stops every child still running (in parallel; each by its pid). */
export async function stopAllChildren(graceMs = 2000) {
  await Promise.all([...live].map((c) => c.stop(graceMs)));
}

/** Last resort from an exit handler, where nothing asynchronous runs any more. */
export function killAllChildrenNow() {
  for (const c of live) {
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
  }
  live.clear();
}

/** @param {Child} child */
export function tail(child, n = 20) {
  return child.lines.slice(-n).join("\n");
}
