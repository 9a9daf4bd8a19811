import { execFileSync } from "node:child_process";

/**
 * The descriptors a process of the run needs, the limit being per process: the driver holds every
 * server's sockets at once (they all stay connected through the interleaved rounds), each server
 * its own; plus room for HTTP connections, pipes and files.
 * @param {number} socketsPerServer @param {number} servers
 */
export const fdsNeeded = (socketsPerServer, servers) => socketsPerServer * Math.max(1, servers) + 4096;

/**
 * Open-file limit. Each socket is a file descriptor in the driver and another in the server;
 * 5,000 sockets plus HTTP connections need more than the common default of 1,024. The driver
 * raises its own soft limit up to the hard limit with `prlimit` (children inherit it), and fails
 * early with a clear message if even the hard limit is too low.
 *
 * @param {number} needed
 * @returns {{ soft: number, hard: number, raised: boolean }}
 */
export function ensureFdLimit(needed) {
  const read = () => {
    const out = execFileSync("prlimit", ["--pid", String(process.pid), "--nofile", "--output", "SOFT,HARD", "--noheadings", "--raw"], {
      encoding: "utf8",
    }).trim();
    const [soft, hard] = out.split(/\s+/).map((v) => (v === "unlimited" ? Number.POSITIVE_INFINITY : Number(v)));
    return { soft: soft ?? 0, hard: hard ?? 0 };
  };
  let limits;
  try {
    limits = read();
  } catch {
    // No prlimit: carry on and let a failed connect say EMFILE.
    return { soft: NaN, hard: NaN, raised: false };
  }
  if (limits.soft >= needed) return { ...limits, raised: false };
  if (limits.hard < needed) {
    throw new Error(`open-file limit too low: need ${needed}, hard limit is ${limits.hard} (raise it with ulimit -Hn as root)`);
  }
  execFileSync("prlimit", ["--pid", String(process.pid), `--nofile=${limits.hard}:${limits.hard}`]);
  return { ...read(), raised: true };
}
