import { SERVER_LABELS } from "./table.mjs";

/**
 * Latency against write rate as a self-contained SVG (no chart library): one colour per server,
 * p99 solid and p50 dashed, both axes logarithmic, with the 50 ms line that decides saturation,
 * the 5 ms p99 target and the TCP floor for scale. Every window measured (sweep and saturation
 * steps) is a point; a window that did not hold is drawn hollow.
 *
 * @param {any} results
 * @returns {string}
 */
export function latencyChart(results) {
  const W = 760;
  const H = 440;
  const pad = { left: 64, right: 170, top: 40, bottom: 52 };
  /** @type {{ name: string, color: string, points: { rate: number, p50: number, p99: number, held: boolean }[] }[]} */
  const series = [];
  const colors = { tandem: "#d9480f", socketio: "#1971c2", ceiling: "#2f9e44", redis: "#862e9c" };
  for (const name of results.config.servers) {
    const s = results.servers[name];
    if (!s) continue;
    const windows = [...(s.lowRate ? [s.lowRate] : []), ...(s.sweep ?? []), ...(s.saturation?.steps ?? [])];
    series.push({ name: SERVER_LABELS[/** @type {keyof typeof SERVER_LABELS} */ (name)] ?? name, color: colors[/** @type {keyof typeof colors} */ (name)] ?? "#444", points: toPoints(windows) });
  }
  if (results.twoInstances) {
    const t = results.twoInstances;
    series.push({ name: "Tandem ×2 + Redis", color: colors.redis, points: toPoints([...(t.low ? [t.low] : []), t.latency, ...(t.saturation?.steps ?? [])]) });
  }
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="80"><text x="10" y="40">no data</text></svg>`;
  const xMin = Math.min(...all.map((p) => p.rate)) / 1.2;
  const xMax = Math.max(...all.map((p) => p.rate)) * 1.2;
  const yMin = 0.05;
  const yMax = Math.max(100, ...all.map((p) => p.p99)) * 1.5;
  const x = (/** @type {number} */ v) => pad.left + ((Math.log10(v) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * (W - pad.left - pad.right);
  const y = (/** @type {number} */ v) => {
    const c = Math.min(yMax, Math.max(yMin, v));
    return H - pad.bottom - ((Math.log10(c) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * (H - pad.top - pad.bottom);
  };
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${pad.left}" y="22" font-size="15" font-weight="bold">Write → other-device latency vs write rate (${num(results.config.sockets)} sockets, 4 receivers per write)</text>`);
  // Grid and ticks.
  for (let e = Math.ceil(Math.log10(yMin)); e <= Math.floor(Math.log10(yMax)); e++) {
    const v = 10 ** e;
    out.push(`<line x1="${pad.left}" x2="${W - pad.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e9ecef"/>`);
    out.push(`<text x="${pad.left - 6}" y="${y(v) + 4}" text-anchor="end">${v >= 1 ? v : v.toFixed(-e)}</text>`);
  }
  for (const v of niceRates(xMin, xMax)) {
    out.push(`<line x1="${x(v)}" x2="${x(v)}" y1="${pad.top}" y2="${H - pad.bottom}" stroke="#f1f3f5"/>`);
    out.push(`<text x="${x(v)}" y="${H - pad.bottom + 16}" text-anchor="middle">${v >= 1000 ? `${v / 1000}k` : v}</text>`);
  }
  out.push(`<text x="${(pad.left + W - pad.right) / 2}" y="${H - 12}" text-anchor="middle">writes per second (log)</text>`);
  out.push(`<text transform="translate(16 ${(pad.top + H - pad.bottom) / 2}) rotate(-90)" text-anchor="middle">latency, ms (log)</text>`);
  // Reference lines.
  /** @param {number} v @param {string} label @param {string} color */
  const ref = (v, label, color) => {
    out.push(`<line x1="${pad.left}" x2="${W - pad.right}" y1="${y(v)}" y2="${y(v)}" stroke="${color}" stroke-dasharray="2 3"/>`);
    out.push(`<text x="${pad.left + 4}" y="${y(v) - 4}" fill="${color}" font-size="11">${label}</text>`);
  };
  ref(50, "50 ms: saturation", "#c92a2a");
  ref(5, "5 ms: p99 target", "#868e96");
  if (results.floor?.rtt?.p50) ref(results.floor.rtt.p50, "TCP floor p50", "#adb5bd");
  // Series.
  series.forEach((s, i) => {
    for (const [key, dash] of /** @type {const} */ ([["p99", ""], ["p50", "5 4"]])) {
      const path = s.points.map((p, j) => `${j === 0 ? "M" : "L"}${x(p.rate).toFixed(1)},${y(p[key]).toFixed(1)}`).join(" ");
      out.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2" ${dash ? `stroke-dasharray="${dash}"` : ""}/>`);
      for (const p of s.points) {
        out.push(`<circle cx="${x(p.rate).toFixed(1)}" cy="${y(p[key]).toFixed(1)}" r="3" fill="${p.held ? s.color : "#fff"}" stroke="${s.color}"/>`);
      }
    }
    const ly = pad.top + 10 + i * 18;
    out.push(`<line x1="${W - pad.right + 10}" x2="${W - pad.right + 32}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="3"/>`);
    out.push(`<text x="${W - pad.right + 36}" y="${ly + 4}">${escapeXml(s.name)}</text>`);
  });
  const ly = pad.top + 14 + series.length * 18;
  out.push(`<text x="${W - pad.right + 8}" y="${ly}" fill="#495057">solid p99, dashed p50;</text>`);
  out.push(`<text x="${W - pad.right + 8}" y="${ly + 15}" fill="#495057">hollow = did not hold</text>`);
  out.push(`<text x="${pad.left}" y="${pad.top - 4}" fill="#495057" font-size="11">${escapeXml(results.machine.summary)}</text>`);
  out.push("</svg>");
  return out.join("\n") + "\n";
}

/** @param {any[]} windows */
function toPoints(windows) {
  /** @type {Map<number, { rate: number, p50: number, p99: number, held: boolean }>} */
  const byRate = new Map();
  for (const w of windows) {
    if (!w || w.e2e.count === 0) continue;
    byRate.set(w.rate, { rate: w.rate, p50: w.e2e.p50, p99: w.e2e.p99, held: w.held });
  }
  return [...byRate.values()].sort((a, b) => a.rate - b.rate);
}

/** @param {number} lo @param {number} hi */
function niceRates(lo, hi) {
  const out = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) out.push(v);
    }
  }
  return out;
}

/** @param {number} v */
const num = (v) => Math.round(v).toLocaleString("en-US");

/** @param {string} s */
const escapeXml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
