import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { byConcern } from "./profileConcerns.mjs";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Reads a V8 `.cpuprofile` (what `--cpu-prof` writes, and what the probe writes for one window)
 * and says where the samples went:
 *
 * - `self`: the functions the CPU was in, as `file:function` (repo-relative paths; dependencies as
 *   `<package>/file`), with their share of all samples;
 * - `inclusive`: the share of samples with the function anywhere on the stack (each counted once
 *   per sample, so recursion does not inflate it), for the repo's own functions: that is where a
 *   change in Tandem would pay off;
 * - `areas`: self time charged to an owner: a package, or a file of the repo (see `ownerOf`);
 * - `concerns`: the owners grouped into the steps of a write (`profileConcerns.mjs`).
 *
 * @param {string} file
 * @param {{ top?: number }} [options]
 */
export async function summarizeProfile(file, { top = 15 } = {}) {
  /** @type {{ nodes: { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }[], samples: number[] }} */
  const profile = JSON.parse(await readFile(file, "utf8"));
  /** @type {Map<number, { key: string, area: string, own: boolean, parent: number | undefined }>} */
  const nodes = new Map();
  /** @type {Map<number, number>} */
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  for (const node of profile.nodes) {
    const { key, area, own } = describe(node.callFrame);
    nodes.set(node.id, { key, area, own, parent: parents.get(node.id) });
  }
  // A native frame ("run", "writev") says little by itself: name it after the JavaScript that
  // called it (better-sqlite3's run, a socket's writev).
  for (const node of nodes.values()) {
    if (node.area !== "(native)") continue;
    let caller = node.parent === undefined ? undefined : nodes.get(node.parent);
    while (caller !== undefined && caller.area === "(native)") caller = caller.parent === undefined ? undefined : nodes.get(caller.parent);
    if (caller !== undefined) node.key = `${node.key} (native, from ${caller.key})`;
  }
  // Who a sample is charged to: the nearest frame on its stack that belongs to a package or to
  // the repo. Node's internals and native code count for whoever called them (a socket write for
  // the code that wrote, an HMAC for express-session), so "node internals" is only what runs
  // with no application frame above it (parsing HTTP, reading sockets, timers).
  /** @type {Map<number, string>} */
  const owners = new Map();
  const ownerOf = (/** @type {number} */ id) => {
    const cached = owners.get(id);
    if (cached !== undefined) return cached;
    const node = nodes.get(id);
    let owner = "node internals";
    if (node !== undefined) {
      if (node.area === "(root)") owner = "node internals";
      else if (node.area !== "node internals" && node.area !== "(native)") owner = node.area;
      else if (node.parent !== undefined) owner = ownerOf(node.parent);
    }
    owners.set(id, owner);
    return owner;
  };
  /** @type {Map<string, number>} */ const self = new Map();
  /** @type {Map<string, number>} */ const inclusive = new Map();
  /** @type {Map<string, number>} */ const areas = new Map();
  let total = 0;
  for (const id of profile.samples) {
    const node = nodes.get(id);
    if (node === undefined || node.key === "(idle)") continue;
    total++;
    self.set(node.key, (self.get(node.key) ?? 0) + 1);
    const owner = ownerOf(id);
    areas.set(owner, (areas.get(owner) ?? 0) + 1);
    /** @type {Set<string>} */
    const seen = new Set();
    for (let n = /** @type {typeof node | undefined} */ (node); n !== undefined; n = n.parent === undefined ? undefined : nodes.get(n.parent)) {
      if (n.own && !seen.has(n.key)) {
        seen.add(n.key);
        inclusive.set(n.key, (inclusive.get(n.key) ?? 0) + 1);
      }
    }
  }
  const share = (/** @type {Map<string, number>} */ counts) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, n]) => ({ name, percent: Math.round((n / Math.max(1, total)) * 1000) / 10 }));
  const allAreas = [...areas].map(([name, n]) => ({ name, percent: (n / Math.max(1, total)) * 100 }));
  return { samples: total, self: share(self), inclusive: share(inclusive), areas: share(areas), concerns: byConcern(allAreas) };
}

/** @param {{ functionName: string, url: string, lineNumber: number }} frame */
function describe({ functionName, url, lineNumber }) {
  const name = functionName || "(anonymous)";
  if (url === "") {
    // V8's pseudo-frames: (garbage collector), (program), (idle), (root); and native built-ins.
    // An unnamed native (better-sqlite3's statement methods, say) is "(anonymous)", not a pseudo-frame.
    const area = functionName.startsWith("(") ? functionName : "(native)";
    return { key: name, area, own: false };
  }
  if (url.startsWith("node:")) return { key: `${url}:${name}`, area: "node internals", own: false };
  const file = url.startsWith("file://") ? fileURLToPath(url) : url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(file);
  if (pkg) return { key: `${pkg[1]}/${pkg[2]}:${name}`, area: pkg[1] ?? "?", own: false };
  const relative = path.relative(REPO, file);
  const own = !relative.startsWith("..");
  const area = own ? relative : "other";
  return { key: `${own ? relative : file}:${name}:${lineNumber + 1}`, area, own };
}
