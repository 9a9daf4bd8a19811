import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { startRedis, type RedisServer } from "@tandem/testkit";
import { startServerProcess, type ServerProcess } from "./serverProcess.js";
import type { SocketClient } from "./SocketClient.js";

/** Two server processes on one database and one real redis-server: what a multi-instance deployment is. */
export interface TwoInstances {
  redis: RedisServer;
  a: ServerProcess;
  b: ServerProcess;
  /** Sockets a test opened: terminated after the file's tests. */
  sockets: SocketClient[];
}

/**
 * Starts the pair before the file's tests (with `env` added to each process's) and stops it after.
 * Its fields are set once `beforeAll` has run: read them inside tests, not at the top level.
 */
export function useTwoInstances(env: Record<string, string> = {}): TwoInstances {
  const pair = { sockets: [] as SocketClient[] } as unknown as TwoInstances;
  let dataDir = "";
  beforeAll(async () => {
    pair.redis = await startRedis();
    dataDir = mkdtempSync(path.join(tmpdir(), "tandem-two-instances-"));
    const shared = { DATA_DIR: dataDir, REDIS_URL: pair.redis.url, SESSION_SECRET: "shared-session-secret-0123456789abcdef", ...env };
    pair.a = await startServerProcess(shared);
    pair.b = await startServerProcess(shared);
  }, 60_000);
  afterAll(async () => {
    for (const s of pair.sockets) s.ws.terminate();
    await Promise.all([pair.a?.kill(), pair.b?.kill()]);
    await pair.redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return pair;
}
