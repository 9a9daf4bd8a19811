import { describe, expect, it } from "vitest";
import { usableCores } from "./usableCores.js";

/** A filesystem holding just `files`; any other path is missing, as on a host without cgroups. */
const fs = (files: Record<string, string>) => (path: string) => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
  return text;
};

describe("usableCores", () => {
  it("is the scheduler's count when no cgroup limits the CPU", () => {
    expect(usableCores({ cores: 8, read: fs({}) })).toBe(8);
    expect(usableCores({ cores: 8, read: fs({ "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cpu.max": "max 100000\n" }) })).toBe(8);
    const v1 = { "/proc/self/cgroup": "4:cpu,cpuacct:/\n", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n", "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n" };
    expect(usableCores({ cores: 8, read: fs(v1) })).toBe(8);
  });

  it("is capped by a cgroup v2 quota (a container's own cgroup), rounded down, at least 1", () => {
    const container = (max: string) => fs({ "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cpu.max": `${max}\n` });
    expect(usableCores({ cores: 8, read: container("200000 100000") })).toBe(2);
    expect(usableCores({ cores: 8, read: container("150000 100000") })).toBe(1);
    expect(usableCores({ cores: 8, read: container("50000 100000") })).toBe(1);
    // A quota above the cores the process may run on does not add any.
    expect(usableCores({ cores: 2, read: container("400000 100000") })).toBe(2);
  });

  it("finds a quota on the process's own cgroup or an ancestor (a systemd service, a slice), the tightest winning", () => {
    const service = (serviceMax: string, sliceMax: string) =>
      fs({
        "/proc/self/cgroup": "0::/system.slice/tandem.service\n",
        "/sys/fs/cgroup/system.slice/tandem.service/cpu.max": `${serviceMax}\n`,
        "/sys/fs/cgroup/system.slice/cpu.max": `${sliceMax}\n`,
      });
    expect(usableCores({ cores: 8, read: service("150000 100000", "max 100000") })).toBe(1);
    expect(usableCores({ cores: 8, read: service("300000 100000", "200000 100000") })).toBe(2);
    expect(usableCores({ cores: 8, read: service("max 100000", "300000 100000") })).toBe(3);
  });

  it("reads cgroup v1's CFS quota, on the process's cgroup or the mount's root", () => {
    const service = {
      "/proc/self/cgroup": "5:memory:/system.slice/x.service\n4:cpu,cpuacct:/system.slice/x.service\n0::/system.slice/x.service\n",
      "/sys/fs/cgroup/cpu/system.slice/x.service/cpu.cfs_quota_us": "150000\n",
      "/sys/fs/cgroup/cpu/system.slice/x.service/cpu.cfs_period_us": "100000\n",
    };
    expect(usableCores({ cores: 8, read: fs(service) })).toBe(1);
    // A container without its own cgroup namespace: the path is the host's; the mount's root is the container's.
    const container = {
      "/proc/self/cgroup": "4:cpu,cpuacct:/docker/0123abcd\n",
      "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "300000\n",
      "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
    };
    expect(usableCores({ cores: 16, read: fs(container) })).toBe(3);
  });

  it("still tries the mount's root when /proc/self/cgroup cannot be read, and ignores what it cannot parse", () => {
    expect(usableCores({ cores: 8, read: fs({ "/sys/fs/cgroup/cpu.max": "200000 100000\n" }) })).toBe(2);
    expect(usableCores({ cores: 4, read: fs({ "/sys/fs/cgroup/cpu.max": "garbage\n" }) })).toBe(4);
    expect(usableCores({ cores: 4, read: fs({ "/sys/fs/cgroup/cpu.max": "0 100000\n" }) })).toBe(4);
  });

  it("reads the real machine without throwing", () => {
    const cores = usableCores();
    expect(Number.isInteger(cores) && cores >= 1).toBe(true);
  });
});
