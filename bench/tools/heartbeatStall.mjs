// The gateway's event-loop delay while it holds idle sockets and its heartbeat pings them:
// a gateway on a loopback port, the clients (which answer pings, as every WebSocket library does)
// in a child process, and `monitorEventLoopDelay` over the window. Prints one line.
//
//   node bench/tools/heartbeatStall.mjs [--sockets 5000] [--interval-ms 25000] [--seconds 30]
//
// Needs a built tree (`npm run build`). Round 6 of bench/README.md used it: with every socket
// pinged on one tick, the longest delay was 114–266 ms; with a slice every 100 ms, as long as
// with no heartbeat at all.
import { fork } from "node:child_process";
import http from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { createGateway, DEFAULT_PATH } from "@tandem/gateway";

const { values } = parseArgs({
  options: {
    sockets: { type: "string", default: "5000" },
    "interval-ms": { type: "string", default: "25000" },
    seconds: { type: "string", default: "30" },
    client: { type: "string" },
  },
});
const sockets = Number(values.sockets);

if (values.client !== undefined) {
  // The child: open the sockets 200 at a time, report, then keep them open until killed.
  const url = values.client;
  for (let opened = 0; opened < sockets; opened += 200) {
    const batch = Math.min(200, sockets - opened);
    await Promise.all(
      Array.from({ length: batch }, () => new Promise((resolve, reject) => {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        ws.once("open", resolve);
        ws.once("error", reject);
      })),
    );
  }
  process.send?.("open");
} else {
  const intervalMs = Number(values["interval-ms"]);
  const seconds = Number(values.seconds);
  const gateway = createGateway({
    authenticate: async () => ({ ok: true, tags: [] }),
    pingIntervalMs: intervalMs,
    maxConnectionsPerKey: sockets,
  });
  const server = http.createServer();
  gateway.attach(server);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  const child = fork(new URL(import.meta.url).pathname, ["--client", `ws://127.0.0.1:${address.port}${DEFAULT_PATH}`, "--sockets", String(sockets)]);
  await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => reject(new Error(`the clients' process exited (${code}) before opening every socket`)));
  });
  // Let the last handshakes settle before measuring.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  delay.disable();
  const ms = (/** @type {number} */ ns) => (ns / 1e6).toFixed(1);
  process.stdout.write(
    `${gateway.socketCount} sockets, ping interval ${intervalMs} ms, ${seconds} s: event-loop delay ` +
      `p50 ${ms(delay.percentile(50))}, p99 ${ms(delay.percentile(99))}, p99.9 ${ms(delay.percentile(99.9))}, max ${ms(delay.max)} ms\n`,
  );
  child.kill();
  await gateway.shutdown();
  server.close();
}
