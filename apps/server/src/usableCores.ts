import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

export interface CoreSources {
  /** The cores the scheduler lets this process run on. Default `os.availableParallelism()`. */
  readonly cores?: number;
  /** Reads a file of `/proc` or the cgroup filesystem; throws when it is missing. Default `readFileSync`. */
  readonly read?: (path: string) => string;
}

/**
 * The cores this process can really keep busy: the scheduler's count, capped by the tightest CPU
 * quota on its cgroup or any ancestor (a container given 1.5 CPUs on an 8-core host sees 8 cores
 * but gets 1.5 of them; whether `availableParallelism()` looks depends on the libuv release, so
 * this does). A fractional quota rounds down, at least 1: work sized to the whole cores leaves the
 * remainder to the event loop.
 * A CPU share by weight (`cpu.weight`, `cpu.shares`) is no quota and is not seen here.
 */
export function usableCores({ cores = availableParallelism(), read = (path) => readFileSync(path, "utf8") }: CoreSources = {}): number {
  const quota = cgroupCpuQuota(read);
  return quota === undefined ? cores : Math.max(1, Math.min(cores, Math.floor(quota)));
}

/** In CPUs; undefined when no quota is set or nothing is readable. */
function cgroupCpuQuota(read: (path: string) => string): number | undefined {
  const memberships = (attempt(() => read("/proc/self/cgroup")) ?? "").split("\n");
  // cgroup v2: "0::<path>". v1: "<id>:<controllers>:<path>", the CPU controller mounted at cpu/.
  const v2Path = memberships.find((line) => line.startsWith("0::"))?.slice(3);
  const v1Path = memberships
    .map((line) => /^\d+:([^:]*):(.*)$/.exec(line))
    .find((m) => m?.[1]?.split(",").includes("cpu"))?.[2];
  const quotas = [
    ...ancestors(v2Path).map((dir) => {
      const [quota, period] = (attempt(() => read(`/sys/fs/cgroup${dir}/cpu.max`)) ?? "").trim().split(/\s+/);
      return quota === "max" ? undefined : positiveRatio(quota, period);
    }),
    // v1 says "no quota" with -1, which positiveRatio refuses.
    ...ancestors(v1Path).map((dir) =>
      positiveRatio(attempt(() => read(`/sys/fs/cgroup/cpu${dir}/cpu.cfs_quota_us`)), attempt(() => read(`/sys/fs/cgroup/cpu${dir}/cpu.cfs_period_us`))),
    ),
  ].filter((q): q is number => q !== undefined);
  return quotas.length === 0 ? undefined : Math.min(...quotas);
}

/**
 * "/a/b" → "/a/b", "/a", "" (the mount's root). The root is always tried: inside a container the
 * path may name the host's view of the cgroup, which this mount does not have, while the mount's
 * root is the container's own cgroup.
 */
function ancestors(path: string | undefined): string[] {
  const parts = (path ?? "").split("/").filter(Boolean);
  return parts.map((_, i) => `/${parts.slice(0, parts.length - i).join("/")}`).concat("");
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
