import { fileURLToPath, pathToFileURL } from "node:url";
import { startServerProcess } from "@tandem/testkit";
import { adopt } from "./children.mjs";
import { onServerCore } from "./cpuPlan.mjs";
import { HttpClient } from "./httpClient.mjs";
import { Probe } from "./probe.mjs";

const PROBE_URL = pathToFileURL(fileURLToPath(new URL("../probe/serverProbe.mjs", import.meta.url))).href;

/**
 * @typedef {{ name: string, port: number, url: string, child: import("./children.mjs").Child,
 *   probe: Probe, http: HttpClient, stop(): Promise<void> }} NodeServer
 */

/**
 * Starts one server under test: `node --expose-gc --import serverProbe.mjs <entry>` on the
 * server's core, with exactly `env` (plus PATH, PORT and HOST) so nothing from the caller's
 * shell (a MONGODB_URI, say) changes what is measured. Ready when `GET /healthz` answers 200.
 *
 * `nodeArgs` are V8/Node flags the server is started with in production (Tandem's come from its
 * Procfile), placed before the probe and the entry.
 *
 * @param {{ plan: import("./cpuPlan.mjs").CpuPlan, name: string, entry: string, nodeArgs?: string[],
 *   env: Record<string, string>, timeoutMs?: number, maxSockets?: number }} options
 * @returns {Promise<NodeServer>}
 */
export async function startNodeServer({ plan, name, entry, nodeArgs = [], env, timeoutMs = 20_000, maxSockets = 64 }) {
  const proc = await startServerProcess({
    entry,
    env,
    nodeArgs: ["--expose-gc", ...nodeArgs, "--import", PROBE_URL],
    wrap: (command, args) => onServerCore(plan, command, args),
    ipc: true,
    keepLines: 200,
    timeoutMs,
  }).catch((/** @type {unknown} */ err) => {
    throw new Error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
  });
  const child = adopt(name, proc.child, proc.lines, proc.exited);
  const http = new HttpClient(proc.url, { maxSockets });
  return {
    name,
    port: proc.port,
    url: proc.url,
    child,
    probe: new Probe(proc.child),
    http,
    async stop() {
      http.close();
      await child.stop();
    },
  };
}

/**
 * `instances` copies of one server, started one after another (each is ready before the next
 * starts), named `name` when alone and `name #1`, `name #2`, ... otherwise.
 * @param {number} instances @param {string} name
 * @param {Omit<Parameters<typeof startNodeServer>[0], "name">} options
 * @returns {Promise<NodeServer[]>}
 */
export async function startInstances(instances, name, options) {
  const servers = [];
  for (let i = 0; i < instances; i++) servers.push(await startNodeServer({ ...options, name: instances === 1 ? name : `${name} #${i + 1}` }));
  return servers;
}

/**
 * A device's instance: with several, a user's devices are spread over them (0, 1, 0, 1, 0), so
 * most events must cross the bus to reach some of the user's devices.
 * @param {NodeServer[]} servers @param {number} device
 */
export function serverOfDevice(servers, device) {
  return /** @type {NodeServer} */ (servers[device % servers.length]);
}
