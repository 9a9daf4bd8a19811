import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

export interface CoreSources {
  /** The cores the scheduler lets this process run on. Default `os.availableParallelism()`. */
  readonly cores?: number;
  /** Reads a file of the cgroup filesystem; throws when it is missing. Default `readFileSync`. */
  readonly read?: (path: string) => string;
}

/**
 * The cores this process can really keep busy: the scheduler's count, capped by the CPU quota of
 * its cgroup (a container given 1.5 CPUs on an 8-core host sees 8 cores but gets 1.5 of them). A
 * fractional quota rounds down, at least 1: sizing work to the whole cores leaves the remainder
 * to the event loop.
 */
export function usableCores({ cores = availableParallelism(), read = (path) => readFileSync(path, "utf8") }: CoreSources = {}): number {
  const quota = cgroupCpuQuota(read);
  return quota === undefined ? cores : Math.max(1, Math.min(cores, Math.floor(quota)));
}

/** The quota in CPUs, from cgroup v2's `cpu.max` or else v1's CFS files; undefined when unlimited or unreadable. */
function cgroupCpuQuota(read: (path: string) => string): number | undefined {
  const v2 = attempt(() => read("/sys/fs/cgroup/cpu.max").trim().split(/\s+/));
  if (v2 !== undefined) return v2[0] === "max" ? undefined : positiveRatio(v2[0], v2[1]);
  const quota = attempt(() => read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"));
  const period = attempt(() => read("/sys/fs/cgroup/cpu/cpu.cfs_period_us"));
  // v1 says "no quota" with -1.
  return positiveRatio(quota, period);
}

function positiveRatio(quota: string | undefined, period: string | undefined): number | undefined {
  const ratio = Number(quota) / Number(period);
  return Number.isFinite(ratio) && ratio > 0 ? ratio : undefined;
}

function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
