/**
 * How numbers are written in the table and the README: few digits, and "—"
 * for what was not measured.
 */

/** @param {number | null | undefined} x @param {number} [digits] */
export function num(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return "—";
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString("en-US");
  if (Math.abs(x) >= 100) return x.toFixed(0);
  if (Math.abs(x) >= 10) return x.toFixed(Math.min(digits, 1));
  return x.toFixed(digits + (Math.abs(x) < 1 ? 1 : 0));
}

/** @param {number | null | undefined} x */
export const ratio = (x) => (x === null || x === undefined || Number.isNaN(x) ? "—" : `${x.toFixed(2)}×`);

/**
 * A median and its range: "0.42 (0.40–0.45)"; "—" when not measured.
 * @param {import("../lib/spread.mjs").Spread | null | undefined} s @param {(x: number) => string} show
 */
export const spreadText = (s, show) => (s ? `${show(s.median)} (${show(s.min)}–${show(s.max)})` : "—");
