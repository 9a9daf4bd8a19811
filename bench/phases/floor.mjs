import net from "node:net";
import { fileURLToPath } from "node:url";
import { startChild, tail } from "../lib/children.mjs";
import { now } from "../lib/clock.mjs";
import { onServerCore } from "../lib/cpuPlan.mjs";
import { freePort } from "@tandem/testkit";
import { latencyHistogram, recordMs, summarize } from "../lib/histogram.mjs";
import { waitFor } from "../lib/waitFor.mjs";

const ECHO = fileURLToPath(new URL("../servers/tcpEcho.mjs", import.meta.url));

/**
 * The physical floor: sequential 64-byte round trips through a TCP echo server on the server's
 * core, Nagle off at both ends. No server can deliver an event faster than one of these, since a
 * write is at least a request in and a frame out.
 *
 * @param {import("../lib/cpuPlan.mjs").CpuPlan} plan
 * @param {{ roundTrips: number }} options
 */
export async function measureFloor(plan, { roundTrips }) {
  const port = await freePort();
  const { command, args } = onServerCore(plan, process.execPath, [ECHO]);
  const echo = startChild({ name: "tcp echo", command, args, env: { PATH: process.env.PATH ?? "", PORT: String(port) }, ipc: true });
  try {
    /** @type {net.Socket | undefined} */
    let socket;
    await waitFor(
      "tcp echo",
      async () => {
        socket = await connect(port);
        return true;
      },
      { timeoutMs: 10_000, alive: () => echo.child.exitCode === null, explain: () => tail(echo) },
    );
    const s = /** @type {net.Socket} */ (socket);
    const histogram = latencyHistogram();
    const payload = Buffer.alloc(64, 120);
    // A few unrecorded round trips first: the first ones pay for JIT and page faults.
    for (let i = 0; i < Math.min(200, roundTrips); i++) await roundTrip(s, payload);
    for (let i = 0; i < roundTrips; i++) {
      const t = now();
      await roundTrip(s, payload);
      recordMs(histogram, now() - t);
    }
    s.destroy();
    return { roundTrips, bytes: payload.length, rtt: summarize(histogram) };
  } finally {
    await echo.stop();
  }
}

/** @param {number} port @returns {Promise<net.Socket>} */
function connect(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1", noDelay: true }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** @param {net.Socket} socket @param {Buffer} payload */
function roundTrip(socket, payload) {
  return new Promise((resolve) => {
    let received = 0;
    const onData = (/** @type {Buffer} */ chunk) => {
      received += chunk.length;
      if (received < payload.length) return;
      socket.off("data", onData);
      resolve(undefined);
    };
    socket.on("data", onData);
    socket.write(payload);
  });
}
