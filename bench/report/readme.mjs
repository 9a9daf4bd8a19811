import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { num } from "./format.mjs";
import { verdict } from "./ratios.mjs";
import { columns, markdownTable } from "./table.mjs";

const START = "<!-- results:start (written by `npm run bench`; edit outside these markers) -->";
const END = "<!-- results:end -->";

/**
 * Replaces the results section of bench/README.md with this run's: the machine, the table, the
 * targets and the profile's top entries. Everything outside the markers is left as written. The
 * run's JSON becomes the only one in results/: the earlier ones move to results/tmp/ (ignored; git
 * keeps the committed ones), where `tools/compareRuns.mjs` can still read them.
 *
 * @param {string} file
 * @param {any} results
 * @param {ReturnType<typeof import("./ratios.mjs").targetChecks>} checks
 * @param {string} jsonName
 */
export async function updateReadme(file, results, checks, jsonName) {
  const text = await readFile(file, "utf8");
  const block = [START, "", resultsSection(results, checks, jsonName), "", END].join("\n");
  const start = text.indexOf(START.slice(0, 20));
  const end = text.indexOf(END);
  const next = start >= 0 && end > start ? text.slice(0, start) + block + text.slice(end + END.length) : `${text.trimEnd()}\n\n${block}\n`;
  await writeFile(file, next);
  const dir = path.join(path.dirname(file), "results");
  await mkdir(path.join(dir, "tmp"), { recursive: true });
  for (const name of await readdir(dir)) if (name.endsWith(".json") && name !== jsonName) await rename(path.join(dir, name), path.join(dir, "tmp", name));
}

/** @param {any} results @param {ReturnType<typeof import("./ratios.mjs").targetChecks>} checks @param {string} jsonName */
function resultsSection(results, checks, jsonName) {
  const m = results.machine;
  const lines = [
    `Run of ${results.startedAt.slice(0, 16).replace("T", " ")} UTC, ${num(results.durationS)} s, on ${m.summary}.`,
    `Before the run: load average ${m.loadAverage.join(", ")}, cores busy ${(m.coreBusyBeforeStart ?? []).map((/** @type {number} */ b) => `${Math.round(b * 100)}%`).join(" / ")}; after it: load average ${(m.loadAverageAfter ?? []).join(", ")}; during it, see the "noise" rows.`,
    `Headline: ${results.config.repeats} interleaved rounds (${columns(results).join(", ")}, reversed every other round; each server, each rate, ${results.config.headlineWindowMs / 1000} s a window); each figure is the median over the rounds, with the range in brackets.`,
    `Raw numbers: [\`results/${jsonName}\`](results/${jsonName}).`,
    ...(results.rescored ? [`Re-scored: ${results.rescored}.`] : []),
    "",
    markdownTable(results),
    "",
    "`*` = that window did not hold (p99 over 50 ms, a delivery lost, or cut short because writes backed up): read its numbers as \"overloaded\", not as a latency.",
    "",
    "| target | measured | goal | |",
    "|---|---|---|---|",
    ...checks.map((c) => `| ${c.what} | ${c.value} | ${c.target} | ${c.met === false && !c.noisy && !c.inconclusive ? "**missed**" : verdict(c)}${c.note ? ` (${c.note})` : ""} |`),
  ];
  const profile = results.servers.tandem?.profile;
  if (profile) {
    lines.push(
      "",
      `Tandem CPU profile: ${num(profile.samples)} samples over ${profile.windowMs} ms at ${profile.rate} writes/s (\`results/tmp/${profile.file}\`, not committed).`,
      "Where the server's CPU went, by step of a write (Node internals and native code charged to whoever called them):",
      "",
      "| concern | % of samples |",
      "|---|---|",
      ...profile.concerns.map((/** @type {any} */ c) => `| ${c.name} | ${c.percent} |`),
      "",
      "| self time | % | | own code, inclusive | % |",
      "|---|---|---|---|---|",
    );
    for (let i = 0; i < 10; i++) {
      const a = profile.self[i];
      const b = profile.inclusive[i];
      lines.push(`| ${a ? `\`${a.name}\`` : ""} | ${a?.percent ?? ""} | | ${b ? `\`${b.name}\`` : ""} | ${b?.percent ?? ""} |`);
    }
    lines.push("", `By owner: ${profile.areas.map((/** @type {any} */ a) => `${a.name} ${a.percent}%`).join(", ")}.`);
  }
  return lines.join("\n");
}
