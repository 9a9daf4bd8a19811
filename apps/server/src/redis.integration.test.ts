import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ErrorBody, type RelayedChangeEvent } from "@tandem/protocol";
import { freePort, startRedis, type RedisServer } from "@tandem/testkit";
import { SERVER_MAIN, startServerProcess, type ServerProcess } from "../test/serverProcess.js";
import { ApiClient } from "../test/ApiClient.js";
import { SocketClient } from "../test/SocketClient.js";
import { uniqueEmail } from "../test/testServer.js";

/**
 * The compiled server (what the Procfile runs) with REDIS_URL: it listens only once Redis is up,
 * and a Redis that goes away makes requests that need it 503 `unavailable`, never 500.
 */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tandem-redis-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function redisServer(): Promise<RedisServer> {
  const redis = await startRedis();
  cleanups.push(() => redis.stop());
  return redis;
}

const baseEnv = () => ({
  PATH: process.env.PATH ?? "",
  NODE_ENV: "test",
  HOST: "127.0.0.1",
  BCRYPT_COST: "4",
  LOG_LEVEL: "info",
  SESSION_SECRET: "redis-test-secret-0123456789abcdef0123",
  DATA_DIR: dataDir(),
});

/** The server as a child whose every line the test can watch while it starts. */
function spawnServer(env: Record<string, string>): { child: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [SERVER_MAIN], { env, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  let partial = "";
  const collect = (chunk: Buffer) => {
    partial += chunk.toString();
    const complete = partial.split("\n");
    partial = complete.pop() ?? "";
    lines.push(...complete);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    return exited;
  });
  return { child, lines, exited };
}

async function untilLine(lines: string[], pattern: RegExp, what: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = lines.find((l) => pattern.test(l));
    if (line !== undefined) return line;
    if (Date.now() > deadline) throw new Error(`no ${what} in ${timeoutMs} ms:\n${lines.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A change event as a data store's webhook would deliver it (without a seq: only Tandem's store assigns those). */
function changeEvent(userId: string): RelayedChangeEvent {
  const at = "2026-11-25T10:00:00.000Z";
  return {
    object: { id: "0b6f8e2e-4a53-4c1b-9a55-0f5f4b0f1a12", text: "from the webhook", done: false, createdAt: at, updatedAt: at, device: null, userId, objectType: "objects.todos", version: 1 },
    meta: { eventName: "update", requestId: "r-redis-gone", userId, device: null },
    type: "change",
  };
}

describe("Redis at start-up", () => {
  it("listens only once Redis is up, so the first socket grant after 'listening' is served", async () => {
    const redis = await redisServer();
    await redis.stop();
    const port = await freePort();
    const { lines } = spawnServer({ ...baseEnv(), PORT: String(port), REDIS_URL: redis.url });

    const first = await untilLine(lines, /waiting for Redis|listening on port/, "waiting or listening line");
    expect(first).toContain("waiting for Redis");
    expect(await connects(port)).toBe(false);

    await redis.restart();
    await untilLine(lines, /listening on port/, "listening line");
    const api = new ApiClient(`http://127.0.0.1:${port}`);
    await api.signup(uniqueEmail("redis-boot"));
    expect((await api.get("/api/websocket")).status).toBe(200);
    const socket = await SocketClient.open(api);
    socket.ws.terminate();
  });

  it("exits 1, naming REDIS_URL, when Redis does not come up within REDIS_CONNECT_TIMEOUT_MS", async () => {
    const redis = await redisServer();
    await redis.stop();
    const { lines, exited } = spawnServer({ ...baseEnv(), PORT: "0", REDIS_URL: redis.url, REDIS_CONNECT_TIMEOUT_MS: "1000" });
    const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve("still running"), 15_000))]);
    expect(code).toBe(1);
    expect(lines.at(-1)).toBe("tandem: failed to start: Redis at REDIS_URL did not answer within 1000 ms (REDIS_CONNECT_TIMEOUT_MS)");
    expect(lines.some((line) => line.includes("listening on port"))).toBe(false);
  });
});

describe("Redis gone while the server runs", () => {
  it("answers a socket grant and a webhook with 503 unavailable and Retry-After, not 500", async () => {
    const redis = await redisServer();
    const secret = "webhook-secret-redis-0123456789abcdef0123";
    const server: ServerProcess = await startServerProcess({ ...baseEnv(), REDIS_URL: redis.url, WEBHOOK_SECRET: secret });
    cleanups.push(() => server.kill("SIGKILL"));
    const api = new ApiClient(server.url);
    const user = await api.signup(uniqueEmail("redis-gone"));
    expect((await api.get("/api/websocket")).status).toBe(200);

    await redis.stop();
    const grant = await api.get("/api/websocket");
    expect({ status: grant.status, code: ErrorBody.parse(grant.body).error.code, retryAfter: grant.headers.get("retry-after") }).toEqual({
      status: 503,
      code: "unavailable",
      retryAfter: "2",
    });

    const webhook = await fetch(`${server.url}/api/websocket/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json", "webhook-id": "msg-redis-gone" },
      body: JSON.stringify({ payload: changeEvent(user.id) }),
    });
    expect(webhook.status).toBe(503);
    expect(ErrorBody.parse(await webhook.json()).error.code).toBe("unavailable");
    expect(server.lines.some((line) => line.includes('"msg":"unhandled error"'))).toBe(false);
  });
});
