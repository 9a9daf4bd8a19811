import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";
import { usableCores } from "./usableCores.js";

const base = { NODE_ENV: "test" };

describe("loadConfig: BCRYPT_MAX_CONCURRENT", () => {
  it("defaults to one fewer than the usable cores and than libuv's pool (4 unless UV_THREADPOOL_SIZE), at least 1", () => {
    const cores = usableCores();
    expect(loadConfig(base).BCRYPT_MAX_CONCURRENT).toBe(Math.max(1, Math.min(cores, 4) - 1));
    expect(loadConfig({ ...base, UV_THREADPOOL_SIZE: "1" }).BCRYPT_MAX_CONCURRENT).toBe(1);
    expect(loadConfig({ ...base, UV_THREADPOOL_SIZE: "64" }).BCRYPT_MAX_CONCURRENT).toBe(Math.max(1, Math.min(cores, 64) - 1));
  });

  it("takes an explicit value, and refuses one out of range", () => {
    expect(loadConfig({ ...base, BCRYPT_MAX_CONCURRENT: "6" }).BCRYPT_MAX_CONCURRENT).toBe(6);
    expect(() => loadConfig({ ...base, BCRYPT_MAX_CONCURRENT: "0" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, BCRYPT_MAX_CONCURRENT: "many" })).toThrow(/BCRYPT_MAX_CONCURRENT/);
  });
});
