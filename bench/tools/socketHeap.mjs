/**
 * What an idle socket holds on Tandem's heap, by constructor: starts one server (this checkout's,
 * or `--repo DIR`'s) with the benchmark's population, takes a heap snapshot before connecting and
 * one with every socket connected, and prints the heap per socket (as the benchmark measures it)
 * and the retained growth per socket by node type and name.
 *
 *   node bench/tools/socketHeap.mjs [--users 1000] [--repo DIR] [--top 40]
 */
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { stopAllChildren } from "../lib/children.mjs";
import { sleep } from "../lib/clock.mjs";
import { toolTarget } from "./toolTarget.mjs";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "1000" },
    top: { type: "string", default: "40" },
    repo: { type: "string" },
  },
});
const users = Number(values.users);
const { dataDir, target } = await toolTarget({ users, prefix: "tandem-heap-", repo: values.repo });
try {
  await target.createAccounts();
  await target.start();
  const probe = /** @type {import("../lib/probe.mjs").Probe} */ (target.probes[0]);
  const before = await probe.memory();
  const snapBefore = path.join(dataDir, "before.heapsnapshot");
  await probe.ask("heapSnapshot", { file: snapBefore }, 120_000);
  await target.connect();
  await sleep(300);
  const after = await probe.memory();
  const snapAfter = path.join(dataDir, "after.heapsnapshot");
  await probe.ask("heapSnapshot", { file: snapAfter }, 120_000);
  const sockets = target.socketCount;
  print(`${sockets} sockets: heap ${((after.heapUsed - before.heapUsed) / sockets / 1024).toFixed(2)} KB per socket`);
  const a = summarize(JSON.parse(await readFile(snapBefore, "utf8")));
  const b = summarize(JSON.parse(await readFile(snapAfter, "utf8")));
  const rows = [...b].map(([k, v]) => {
    const old = a.get(k) ?? { size: 0, count: 0 };
    return { k, size: v.size - old.size, count: v.count - old.count };
  });
  const total = rows.reduce((s, r) => s + r.size, 0);
  print(`snapshot growth: ${(total / sockets).toFixed(0)} bytes per socket`);
  rows.sort((x, y) => y.size - x.size);
  for (const r of rows.slice(0, Number(values.top))) {
    print(`${(r.size / sockets).toFixed(1).padStart(8)} B/socket ${(r.count / sockets).toFixed(2).padStart(6)} per socket  ${r.k}`);
  }
} finally {
  await target.stop();
  await stopAllChildren();
  await rm(dataDir, { recursive: true, force: true });
}

/**
 * Self size and count per "type name" over a V8 heap snapshot.
 * @param {{ snapshot: { meta: { node_fields: string[], node_types: [string[]] } }, nodes: number[], strings: string[] }} snap
 */
function summarize(snap) {
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const n = fields.length;
  const iType = fields.indexOf("type");
  const iName = fields.indexOf("name");
  const iSize = fields.indexOf("self_size");
  /** @type {Map<string, { size: number, count: number }>} */
  const out = new Map();
  for (let i = 0; i < snap.nodes.length; i += n) {
    const type = types[snap.nodes[i + iType] ?? 0] ?? "?";
    let name = snap.strings[snap.nodes[i + iName] ?? 0] ?? "?";
    if (type === "string" || type === "concatenated string" || type === "sliced string") name = "";
    else if (type === "number") name = "";
    else if (name.length > 60) name = name.slice(0, 60);
    const key = `${type} ${name}`;
    const row = out.get(key) ?? { size: 0, count: 0 };
    row.size += snap.nodes[i + iSize] ?? 0;
    row.count += 1;
    out.set(key, row);
  }
  return out;
}

/** @param {string} line */
function print(line) {
  process.stdout.write(`${line}\n`);
}
