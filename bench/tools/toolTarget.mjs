import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pinDriver, planCpus } from "../lib/cpuPlan.mjs";
import { ensureFdLimit, fdsNeeded } from "../lib/fdLimit.mjs";
import { TandemTarget } from "../targets/TandemTarget.mjs";

/**
 * The one Tandem server a measuring tool drives: `users` × 5 devices, pinned as the benchmark
 * pins it, in a fresh data dir (the caller removes it), built from `repo` when given (else this
 * checkout). Accounts are not created and nothing is started yet.
 * @param {{ users: number, prefix: string, repo?: string | undefined }} options
 */
export async function toolTarget({ users, prefix, repo }) {
  const plan = pinDriver(planCpus());
  ensureFdLimit(fdsNeeded(users * 5, 1));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const target = new TandemTarget({
    plan,
    dataDir,
    users,
    devicesPerUser: 5,
    bcryptCost: 10,
    signinUsers: 0,
    sessionSecret: randomBytes(32).toString("base64url"),
    ...(repo ? { repo: path.resolve(repo), name: "other" } : {}),
  });
  return { plan, dataDir, target };
}
