import { parseArgs } from "node:util";

/**
 * The run's settings. The defaults are the full benchmark, sized to finish in about four minutes
 * on a 2-core machine; `--smoke` is the same code on 2 users × 5 devices and a few short windows
 * per server, for checking that the benchmark still works (not for numbers).
 *
 * @typedef {{ smoke: boolean, users: number, devicesPerUser: number, rates: number[],
 *   repeats: number, headlineWindowMs: number, tandem: string | null, baseline: string | null, windowMs: number, stepMs: number, drainMs: number, maxSteps: number, bisections: number,
 *   warmup: { rate: number, windowMs: number }, profileMs: number, profile: boolean,
 *   signInMs: number, signInConcurrency: number, signinUsers: number, bcryptCost: number,
 *   floorRoundTrips: number, servers: string[], redis: boolean, writeReadme: boolean, lowRate: number,
 *   budgetMs: number }} Options
 */

const HELP = `usage: node bench/run.mjs [options]

  --smoke              10 sockets, ~1 s of load per server, all phases; exits 1 on any failure
  --servers LIST       comma-separated subset of tandem,socketio,ceiling (default: all three)
  --repeats N          interleaved rounds of the headline (default 7; each server, each rate, per round)
  --tandem-baseline DIR  also measure the Tandem built in checkout DIR (npm ci && npm run build
                       there first), interleaved with this one, as "baseline": before/after figures.
                       Every server's sockets stay open at once, so with 4 servers the driver needs
                       ~24,000 open files: use it with --servers tandem where the limit is lower
  --tandem DIR         measure the Tandem built in checkout DIR as "tandem" instead of this one
                       (with --tandem-baseline: one older build against another)
  --no-redis           skip the two-instance + Redis phase
  --no-profile         skip Tandem's CPU profile window
  --bcrypt-cost N      bcrypt cost of the measured servers (default 10, the least Tandem accepts
                       in production; its default is 12, which adds ~10 s to the run)
  --no-readme          do not rewrite the results section of bench/README.md (the run's JSON
                       then goes to results/tmp/ rather than replacing the committed one)
  --help
`;

/** @param {string[]} argv @returns {Options} */
export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: "boolean", default: false },
      servers: { type: "string", default: "tandem,socketio,ceiling" },
      "no-redis": { type: "boolean", default: false },
      "no-profile": { type: "boolean", default: false },
      "bcrypt-cost": { type: "string", default: "10" },
      "no-readme": { type: "boolean", default: false },
      repeats: { type: "string" },
      "tandem-baseline": { type: "string" },
      tandem: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const servers = String(values.servers).split(",").map((s) => s.trim()).filter(Boolean);
  for (const s of servers) if (!["tandem", "socketio", "ceiling"].includes(s)) throw new Error(`unknown server ${s}\n${HELP}`);
  const bcryptCost = Number(values["bcrypt-cost"]);
  // Tandem refuses a cost under 10 in production, and the sign-in phase runs it in production.
  if (!Number.isInteger(bcryptCost) || bcryptCost < 10 || bcryptCost > 15) throw new Error("--bcrypt-cost must be 10..15");
  const repeats = values.repeats === undefined ? undefined : Number(values.repeats);
  if (repeats !== undefined && (!Number.isInteger(repeats) || repeats < 1 || repeats > 50)) throw new Error("--repeats must be 1..50");
  const tandem = values.tandem ?? null;
  if (tandem !== null && !servers.includes("tandem")) throw new Error("--tandem needs tandem among --servers");
  const baseline = values["tandem-baseline"] ?? null;
  if (baseline !== null && !servers.includes("tandem")) throw new Error("--tandem-baseline needs tandem among --servers");
  const common = {
    servers,
    tandem,
    baseline,
    redis: !values["no-redis"],
    profile: !values["no-profile"],
    bcryptCost,
    devicesPerUser: 5,
    signInConcurrency: 8,
    signinUsers: 8,
    bisections: 3,
  };
  if (values.smoke) {
    return {
      ...common,
      smoke: true,
      writeReadme: false,
      users: 2,
      rates: [50],
      repeats: repeats ?? 2,
      headlineWindowMs: 300,
      windowMs: 400,
      stepMs: 200,
      // Long: a window ends as soon as every delivery is in, and on a loaded machine one may take seconds.
      drainMs: 8000,
      maxSteps: 1,
      bisections: 0,
      warmup: { rate: 20, windowMs: 200 },
      profileMs: 200,
      signInMs: 800,
      signinUsers: 2,
      bcryptCost: Math.min(bcryptCost, 10),
      floorRoundTrips: 200,
      lowRate: 20,
      budgetMs: 110_000,
    };
  }
  return {
    ...common,
    smoke: false,
    // A run with another Tandem in it, or cut short, is not the README's latest result.
    writeReadme: !values["no-readme"] && tandem === null && baseline === null && repeats === undefined,
    users: 1000,
    rates: [500, 1000],
    repeats: repeats ?? 7,
    headlineWindowMs: 4000,
    windowMs: 1200,
    stepMs: 1000,
    drainMs: 1500,
    maxSteps: 6,
    warmup: { rate: 1500, windowMs: 2500 },
    profileMs: 1500,
    signInMs: 2000,
    floorRoundTrips: 2000,
    // Where Redis's own hop shows: one instance and two are far from saturation at this rate.
    lowRate: 100,
    budgetMs: 600_000,
  };
}
