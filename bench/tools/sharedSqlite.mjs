// CPU per todo create through Tandem's real SqliteStore, when one process writes the file and
// when two processes share it (as the two-instance phase's instances do). Each write is a lone
// commit followed by a turn of the event loop, so two processes' commits interleave. Every
// process runs on one core (`taskset -c <core>` where available), like the bench's servers.
//
//   node bench/tools/sharedSqlite.mjs [--processes 2] [--writes 20000] [--core 1]
//
// Needs a built tree (`npm run build`). Prints one line: the mean CPU per write over the writers.
import { fork, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { SqliteStore } from "../../apps/server/dist/store/SqliteStore.js";

const { values } = parseArgs({
  options: {
    processes: { type: "string", default: "2" },
    writes: { type: "string", default: "20000" },
    core: { type: "string", default: "1" },
    writer: { type: "string" },
    offset: { type: "string", default: "0" },
    users: { type: "string", default: "" },
  },
});
const writes = Number(values.writes);
/** @param {string} file */
const openStore = (file) => new SqliteStore({ file, changeLogLimit: 100, backgroundCheckpoints: false });
/** @param {string} device */
const context = (device) => ({ device, requestId: randomUUID() });

if (values.writer !== undefined) {
  const store = openStore(values.writer);
  await store.init();
  const users = values.users.split(",");
  const offset = Number(values.offset);
  process.send?.("ready");
  await new Promise((resolve) => process.once("message", resolve));
  const before = process.cpuUsage();
  for (let k = 0; k < writes; k++) {
    await store.createTodo(users[(k * 7 + offset) % users.length] ?? "", { id: randomUUID(), text: `w${k}` }, context("device-bench"));
    await new Promise((resolve) => setImmediate(resolve));
  }
  const cpu = process.cpuUsage(before);
  process.send?.((cpu.user + cpu.system) / writes);
  await store.close();
} else {
  const processes = Number(values.processes);
  const dir = mkdtempSync(path.join(os.tmpdir(), "tandem-shared-sqlite-"));
  const file = path.join(dir, "tandem.db");
  try {
    // 1,000 users and 20,000 todos first, so the B-trees are not trivially small.
    const store = openStore(file);
    await store.init();
    /** @type {string[]} */
    const users = [];
    for (let i = 0; i < 1000; i++) users.push((await store.createUser({ email: `u${i}@bench.invalid`, passwordHash: `$2b$10$${"x".repeat(53)}` })).id);
    for (let k = 0; k < 20_000; k++) await store.createTodo(users[k % users.length] ?? "", { id: randomUUID(), text: `seed${k}` }, context("device-seed"));
    await store.close();

    const canPin = spawnSync("taskset", ["-V"]).status === 0;
    const writers = Array.from({ length: processes }, (_, i) =>
      fork(new URL(import.meta.url).pathname, ["--writer", file, "--writes", String(Math.round(writes / processes)), "--offset", String(i), "--users", users.join(",")]),
    );
    for (const writer of writers) if (canPin && writer.pid !== undefined) spawnSync("taskset", ["-a", "-p", "-c", values.core, String(writer.pid)]);
    await Promise.all(writers.map((writer) => new Promise((resolve) => writer.once("message", resolve))));
    const results = Promise.all(writers.map((writer) => new Promise((resolve) => writer.once("message", resolve))));
    for (const writer of writers) writer.send("go");
    const perWrite = /** @type {number[]} */ (await results);
    const mean = perWrite.reduce((sum, x) => sum + x, 0) / perWrite.length;
    process.stdout.write(`${processes} process(es) writing one SQLite file${canPin ? ` on core ${values.core}` : ""}: ${mean.toFixed(1)} µs of CPU per lone create\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
