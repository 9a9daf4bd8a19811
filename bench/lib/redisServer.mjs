import { execFileSync } from "node:child_process";
import net from "node:net";
import { startChild, tail } from "./children.mjs";
import { onServerCore } from "./cpuPlan.mjs";
import { freePort } from "./freePort.mjs";
import { waitFor } from "./waitFor.mjs";

/** Whether Debian's `redis-server` is installed (the two-instance phase is skipped otherwise). */
export function hasRedis() {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * A throwaway redis-server on the servers' core: loopback only, nothing persisted.
 * @param {import("./cpuPlan.mjs").CpuPlan} plan
 */
export async function startRedis(plan) {
  const port = await freePort();
  const { command, args } = onServerCore(plan, "redis-server", [
    "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning",
  ]);
  const child = startChild({ name: "redis-server", command, args });
  await waitFor("redis-server", () => ping(port), {
    timeoutMs: 10_000,
    alive: () => child.child.exitCode === null,
    explain: () => tail(child),
  });
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => child.stop() };
}

/** @param {number} port @returns {Promise<boolean>} */
function ping(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" }, () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
  });
}
