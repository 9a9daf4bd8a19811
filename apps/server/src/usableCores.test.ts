import { describe, expect, it } from "vitest";
import { usableCores } from "./usableCores.js";

/** A cgroup filesystem holding just `files`; any other path is missing, as on a host without it. */
const fs = (files: Record<string, string>) => (path: string) => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
  return text;
};

describe("usableCores", () => {
  it("is the scheduler's count when no cgroup limits the CPU", () => {
    expect(usableCores({ cores: 8, read: fs({}) })).toBe(8);
    expect(usableCores({ cores: 8, read: fs({ "/sys/fs/cgroup/cpu.max": "max 100000\n" }) })).toBe(8);
    expect(usableCores({ cores: 8, read: fs({ "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n", "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n" }) })).toBe(8);
  });

  it("is capped by a cgroup v2 quota, rounded down, at least 1", () => {
    expect(usableCores({ cores: 8, read: fs({ "/sys/fs/cgroup/cpu.max": "200000 100000\n" }) })).toBe(2);
    expect(usableCores({ cores: 8, read: fs({ "/sys/fs/cgroup/cpu.max": "150000 100000\n" }) })).toBe(1);
    expect(usableCores({ cores: 8, read: fs({ "/sys/fs/cgroup/cpu.max": "50000 100000\n" }) })).toBe(1);
    // A quota above the cores the process may run on does not add any.
    expect(usableCores({ cores: 2, read: fs({ "/sys/fs/cgroup/cpu.max": "400000 100000\n" }) })).toBe(2);
  });

  it("falls back to cgroup v1's CFS quota", () => {
    const v1 = { "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "300000\n", "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n" };
    expect(usableCores({ cores: 16, read: fs(v1) })).toBe(3);
  });

  it("ignores files it cannot make sense of", () => {
    expect(usableCores({ cores: 4, read: fs({ "/sys/fs/cgroup/cpu.max": "garbage\n" }) })).toBe(4);
    expect(usableCores({ cores: 4, read: fs({ "/sys/fs/cgroup/cpu.max": "0 100000\n" }) })).toBe(4);
  });

  it("reads the real machine without throwing", () => {
    const cores = usableCores();
    expect(Number.isInteger(cores) && cores >= 1).toBe(true);
  });
});
