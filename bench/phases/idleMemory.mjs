import { sleep } from "../lib/clock.mjs";

/**
 * Memory per idle socket: the server's heap and RSS after two full collections with every socket
 * connected, minus the same with none, divided by the sockets. `before` is taken on the started,
 * ready server; connecting happens in between (by the caller).
 *
 * @param {import("../lib/probe.mjs").Memory} before
 * @param {import("../lib/probe.mjs").Probe} probe
 * @param {number} sockets
 */
export async function idleMemory(before, probe, sockets) {
  // Let the last handshakes' garbage become unreachable (timers, request objects) before the GC.
  await sleep(300);
  const after = await probe.memory();
  const perSocket = (/** @type {keyof typeof after} */ key) => Math.round(((after[key] - before[key]) / sockets / 1024) * 100) / 100;
  return {
    sockets,
    heapPerSocketKB: perSocket("heapUsed"),
    rssPerSocketKB: perSocket("rss"),
    externalPerSocketKB: perSocket("external"),
    before,
    after,
  };
}
