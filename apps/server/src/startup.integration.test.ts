import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startServerProcess, type ServerProcess } from "../test/serverProcess.js";

/** What the compiled server (what the Procfile runs) says and does as it starts. */

const servers: ServerProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "tandem-startup-"));
  dirs.push(dataDir);
  const server = await startServerProcess({ DATA_DIR: dataDir, SESSION_SECRET: "startup-test-secret-0123456789abcdef", ...env });
  servers.push(server);
  return server;
}

interface LogLine {
  msg: string;
  trustProxy?: number;
  publicUrl?: string | null;
}

/** The one line that says which proxies are trusted. */
function trustLine(server: ServerProcess): LogLine | undefined {
  return server.lines
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine)
    .find((line) => line.msg.startsWith("trusted proxies:"));
}

describe("the startup line about proxies", () => {
  it("says that no proxy is trusted outside production, and the origin comes from Host", async () => {
    const server = await start();
    const line = trustLine(server);
    expect(line).toMatchObject({ trustProxy: 0, publicUrl: null });
    expect(line?.msg).toBe(
      "trusted proxies: none (TRUST_PROXY=0): X-Forwarded-For/-Proto/-Host are ignored and a client's address is the connection's; public origin: each request's Host header",
    );
  });

  it("says which hop is trusted in production, and that the origin is PUBLIC_URL", async () => {
    const server = await start({ NODE_ENV: "production", PUBLIC_URL: "https://todo.example.test", ALLOW_EMBEDDED_DB: "1", BCRYPT_COST: "10" });
    const line = trustLine(server);
    expect(line).toMatchObject({ trustProxy: 1, publicUrl: "https://todo.example.test" });
    expect(line?.msg).toBe(
      "trusted proxies: the nearest 1 hop, any address (TRUST_PROXY=1): a client's address is the last in X-Forwarded-For and its scheme X-Forwarded-Proto; public origin: https://todo.example.test (PUBLIC_URL)",
    );
  });
});
