import { num, spreadText } from "./format.mjs";

/**
 * The results as rows: one per metric, one column per server. The same rows feed the terminal
 * table and the README's Markdown table, so the two never disagree.
 *
 * @typedef {{ label: string, cells: string[], span?: boolean }} Row
 */

export const SERVER_LABELS = /** @type {const} */ ({ tandem: "Tandem", baseline: "Tandem (baseline)", socketio: "Socket.IO", ceiling: "ceiling (ws)" });

/** The columns: every server measured, in the order of the interleaved rounds. @param {any} results @returns {string[]} */
export const columns = (results) => results.config.order ?? results.config.servers;

/** A window that did not hold is marked, so a number from an overloaded window is never read as a result. */
const mark = (/** @type {{ held: boolean } | undefined} */ r) => (r && !r.held ? " *" : "");

/**
 * The mean share of the servers' core that other processes took during a server's windows: 0 on a
 * quiet machine; anything above a few percent means that server's numbers are pessimistic.
 * @param {any[]} windows
 */
function otherLoad(windows) {
  return avgAndMax(windows.map((w) => w.server?.otherLoad), (v) => `${Math.round(v * 100)}%`);
}

/**
 * "<mean> avg, <max> max" of the numbers among `values`, each shown by `show`; "—" when none.
 * @param {unknown[]} values @param {(v: number) => string} show
 */
function avgAndMax(values, show) {
  const numbers = /** @type {number[]} */ (values.filter((v) => typeof v === "number"));
  if (numbers.length === 0) return "—";
  return `${show(numbers.reduce((a, b) => a + b, 0) / numbers.length)} avg, ${show(Math.max(...numbers))} max`;
}

/**
 * CPU time the hypervisor took from the machine per window, over a server's windows (see
 * `readStolenMs`): "—" where /proc/stat has no steal counter.
 * @param {any[]} windows
 */
function stolen(windows) {
  return avgAndMax(windows.map((w) => w.stolenMs), (v) => `${Math.round(v)}`);
}

/** @param {any} results the JSON written to bench/results @returns {Row[]} */
export function tableRows(results) {
  const servers = columns(results);
  /** @param {(s: any) => string} cell */
  const row = (/** @type {string} */ label, cell) => ({ label, cells: servers.map((name) => (results.servers[name] ? cell(results.servers[name]) : "—")) });
  /** @type {Row[]} */
  const rows = [];
  const floor = results.floor?.rtt;
  if (floor) rows.push({ label: "floor: TCP round trip p50 / p99 (ms)", cells: [`${num(floor.p50, 2)} / ${num(floor.p99, 2)} (one echo server, same for all)`], span: true });
  rows.push(row("connect all sockets (s)", (s) => `${num(s.connect?.sockets, 0)} in ${num(s.connect?.seconds)}`));
  rows.push(row("idle heap per socket (KB)", (s) => num(s.idle?.heapPerSocketKB)));
  rows.push(row("idle RSS per socket (KB)", (s) => num(s.idle?.rssPerSocketKB)));
  const headline = results.headline;
  /** @param {string} label @param {(h: any) => string} cell */
  const hrow = (label, cell) => ({ label, cells: servers.map((name) => (headline?.servers?.[name] ? cell(headline.servers[name]) : "—")) });
  for (const rate of headline?.rates ?? []) {
    const k = String(rate);
    rows.push(hrow(`${rate} w/s: server CPU per write (ms)`, (h) => spreadText(h[k]?.cpuPerWriteMs, (v) => num(v, 3))));
    rows.push(hrow(`${rate} w/s: write→device p50 (ms)`, (h) => spreadText(h[k]?.p50, (v) => num(v, 2))));
    rows.push(hrow(`${rate} w/s: write→device p99 (ms)`, (h) => spreadText(h[k]?.p99, (v) => num(v))));
    rows.push(hrow(`${rate} w/s: POST p99 (ms)`, (h) => spreadText(h[k]?.postP99, (v) => num(v))));
    rows.push(hrow(`${rate} w/s: windows that held`, (h) => `${h[k]?.held ?? 0} of ${h[k]?.windows?.length ?? 0}`));
  }
  /** Every window of a server: the interleaved rounds' and the saturation search's. */
  const windowsOf = (/** @type {string} */ name) => [
    ...Object.values(headline?.servers?.[name] ?? {}).flatMap((/** @type {any} */ h) => h.windows),
    ...(results.servers[name]?.saturation?.steps ?? []),
  ];
  rows.push(row("saturation: last write rate that held (w/s)", (s) => heldRate(s.saturation)));
  rows.push(row("saturation: deliveries/s at that rate", (s) => num(s.saturation?.deliveriesPerSec, 0)));
  rows.push(row("saturation: what gave out first", (s) => limitText(s.saturation)));
  rows.push({ label: "noise: other processes on the servers' core", cells: servers.map((name) => otherLoad(windowsOf(name))) });
  rows.push({ label: "noise: CPU the hypervisor took, per window (ms)", cells: servers.map((name) => stolen(windowsOf(name))) });
  // The bound on the core the server has, and the 2 × 1000 / hash-ms (two hashing threads).
  rows.push(
    row("sign-in: sign-ins/s (bound on its core; 2 × 1000 / hash-ms)", (s) =>
      s.signIn ? `${num(s.signIn.signInsPerSec)} (${num(s.signIn.threadPoolBound)}; ${num(2000 / s.signIn.hashMs)})` : "—",
    ),
  );
  rows.push(row("sign-in: fan-out p99 vs no sign-ins (ms)", (s) => (s.signIn ? `${num(s.signIn.fanout.e2e.p99)} vs ${num(s.signIn.baselineP99)}${mark(s.signIn.fanout)}` : "—")));
  const two = results.twoInstances;
  if (two) {
    const cells = servers.map((name) =>
      name === "tandem"
        ? `${num(two.latency.e2e.p50, 2)} / ${num(two.latency.e2e.p99)}${mark(two.latency)} (one: ${num(two.oneInstance.p50, 2)} / ${num(two.oneInstance.p99)})`
        : "n/a",
    );
    if (two.low) {
      rows.push({
        label: `2 instances + Redis: p50 / p99 at ${two.lowRate} w/s (ms)`,
        cells: servers.map((name) =>
          name === "tandem"
            ? `${num(two.low.e2e.p50, 2)} / ${num(two.low.e2e.p99)}${mark(two.low)} (one: ${num(two.oneInstance.low?.p50, 2)} / ${num(two.oneInstance.low?.p99)})`
            : "n/a",
        ),
      });
    }
    rows.push({ label: `2 instances + Redis: p50 / p99 at ${two.rate} w/s (ms)`, cells });
    rows.push({
      label: "2 instances + Redis: last rate held (× one)",
      cells: servers.map((name) => (name === "tandem" ? `${heldRate(two.saturation)} w/s (${num(two.throughputVsOne, 2)}×; ${limitText(two.saturation)})` : "n/a")),
    });
  }
  return rows;
}

/** The last rate that held; "≥" when no rate failed within the step budget (a lower bound). @param {any} sat */
function heldRate(sat) {
  if (!sat) return "—";
  return sat.limitedBy === null && sat.steps?.length > 0 ? `≥ ${num(sat.heldRate, 0)}` : num(sat.heldRate, 0);
}

/** @param {any} sat @returns {string} */
function limitText(sat) {
  const limit = sat?.limitedBy;
  if (limit === undefined) return "—";
  if (limit === null) return "nothing, within the step budget";
  const core = `${num(limit.serverCpu, 2)} cores`;
  const late = `sent ${num(limit.sendLagP99Ms)} ms late at p99`;
  if (limit.by === "server") return `the server (${core})`;
  if (limit.by === "driver") return `the driver (${late}; server at ${core})`;
  if (limit.by === "both") return `both (server at ${core}; driver ${late})`;
  return "unknown (no server figures)";
}

/** @param {any} results @returns {string} */
export function terminalTable(results) {
  const servers = columns(results);
  const rows = tableRows(results);
  const header = { label: "", cells: servers.map((s) => SERVER_LABELS[/** @type {keyof typeof SERVER_LABELS} */ (s)] ?? s) };
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  const widths = servers.map((_, i) => Math.max(header.cells[i]?.length ?? 0, ...rows.filter((r) => !r.span).map((r) => r.cells[i]?.length ?? 0)));
  const line = (/** @type {Row} */ r) =>
    r.span ? `${r.label.padEnd(labelWidth)}  ${r.cells[0]}` : `${r.label.padEnd(labelWidth)}  ${r.cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")}`.trimEnd();
  return [line(header), "-".repeat(labelWidth + widths.reduce((a, b) => a + b + 2, 0)), ...rows.map(line)].join("\n");
}

/** @param {any} results @returns {string} */
export function markdownTable(results) {
  const servers = columns(results);
  const rows = tableRows(results);
  const out = [`| | ${servers.map((s) => SERVER_LABELS[/** @type {keyof typeof SERVER_LABELS} */ (s)] ?? s).join(" | ")} |`, `|---|${servers.map(() => "---").join("|")}|`];
  for (const r of rows) out.push(r.span ? `| ${r.label} | ${r.cells[0]} |${" |".repeat(Math.max(0, servers.length - 1))}` : `| ${r.label} | ${r.cells.join(" | ")} |`);
  return out.join("\n");
}
