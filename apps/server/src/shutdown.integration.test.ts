import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CloseCode, TodoResponse } from "@tandem/protocol";
import { startRedis, type RedisServer } from "@tandem/testkit";
import { SERVER_MAIN, startServerProcess, type ServerProcess } from "../test/serverProcess.js";
import { ApiClient } from "../test/ApiClient.js";
import { SocketClient } from "../test/SocketClient.js";
import { uniqueEmail } from "../test/testServer.js";

/**
 * The platform's side of a restart, against the compiled server (what the Procfile runs):
 * SIGTERM, then SIGKILL 30 s later. We promise to be gone within SHUTDOWN_TIMEOUT_MS (10 s by
 * default) with every request answered and every socket told to reconnect (1012). The time is
 * asserted because it is a contract, not a benchmark.
 */
const CONTRACT_MS = 10_000;

const servers: ServerProcess[] = [];
const dirs: string[] = [];
const cleanups: (() => void | Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  for (const s of servers.splice(0)) {
    if (s.child.exitCode === null && s.child.signalCode === null) await s.kill("SIGKILL");
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "tandem-shutdown-"));
  dirs.push(dataDir);
  const server = await startServerProcess({ DATA_DIR: dataDir, SESSION_SECRET: "shutdown-test-secret-0123456789abcdef", ...env });
  servers.push(server);
  return server;
}

/** Resolves once the process has printed a line containing `text` (the drain has begun, say). */
async function untilLogged(server: ServerProcess, text: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!server.lines.some((line) => line.includes(text))) {
    if (Date.now() > deadline) throw new Error(`no log line with "${text}" in ${timeoutMs} ms:\n${server.lines.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface SlowResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A POST whose headers go out now and whose body goes out when the test says so: a request that
 * is in flight, from the server's point of view, for as long as the test likes. Its connection
 * is keep-alive, as a browser's or a router's is: the server must close it after the response.
 */
function slowPost(server: ServerProcess, pathname: string, cookie: string, json: unknown) {
  const body = JSON.stringify(json);
  const agent = new http.Agent({ keepAlive: true });
  cleanups.push(() => agent.destroy());
  const req = http.request({
    host: "127.0.0.1",
    port: server.port,
    method: "POST",
    path: pathname,
    agent,
    headers: { cookie, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
  });
  const response = new Promise<SlowResponse>((resolve, reject) => {
    req.once("error", reject);
    req.once("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.once("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.once("error", reject);
    });
  });
  // Without a handler, an early rejection (the stuck-request test) would be reported as unhandled.
  response.catch(() => {});
  req.flushHeaders();
  cleanups.push(() => void req.destroy());
  return { sendBody: () => req.end(body), response };
}

/** An HTTP connection that served one request and now sits idle in a keep-alive pool. */
async function idleKeepAlive(server: ServerProcess): Promise<{ closed: Promise<void> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  cleanups.push(() => agent.destroy());
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port: server.port, path: "/healthz", agent }, (res) => {
      res.resume();
      res.once("end", () => {
        const socket = req.socket;
        if (!socket) return reject(new Error("no socket"));
        const closed = new Promise<void>((done) => socket.once("close", () => done()));
        resolve({ closed });
      });
    });
    req.once("error", reject);
  });
}

/** Whether a new TCP connection to the port is accepted. */
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

async function signedUp(server: ServerProcess): Promise<ApiClient> {
  const api = new ApiClient(server.url);
  await api.signup(uniqueEmail("shutdown"));
  if (!api.cookie) throw new Error("no session cookie after signup");
  return api;
}

/**
 * Gives the slow POST's headers time to be parsed. Until they are, its connection counts as idle,
 * and the drain rightly closes idle connections at once: the request would never be in flight.
 */
const headersArrive = () => new Promise((resolve) => setTimeout(resolve, 250));

/** Sends the signal and measures how long the process takes to exit. */
function terminate(server: ServerProcess) {
  const started = performance.now();
  server.child.kill("SIGTERM");
  return { exit: server.exited.then((result) => ({ ...result, ms: Math.round(performance.now() - started) })) };
}

describe("SIGTERM", () => {
  it("finishes the request in flight, closes sockets with 1012 and idle keep-alive connections, refuses new connections, exits 0 within 10 s", async () => {
    const server = await start();
    const api = await signedUp(server);
    const sockets = await Promise.all([SocketClient.open(api), SocketClient.open(api)]);
    cleanups.push(() => sockets.forEach((s) => s.ws.terminate()));
    const idle = await idleKeepAlive(server);
    const post = slowPost(server, "/api/todos", api.cookie ?? "", { text: "written during the drain" });
    await headersArrive();

    const { exit } = terminate(server);
    await untilLogged(server, "shutting down");
    expect(await connects(server.port)).toBe(false);
    await idle.closed;
    for (const socket of sockets) expect((await socket.untilClosed()).code).toBe(CloseCode.SERVICE_RESTART);

    post.sendBody();
    const res = await post.response;
    expect(res.status).toBe(201);
    expect(TodoResponse.parse(JSON.parse(res.body)).todo.text).toBe("written during the drain");
    // The client must not reuse a connection to an instance that is going away.
    expect(res.headers.connection).toBe("close");

    const { code, signal, ms } = await exit;
    console.warn(`shutdown with a request in flight, 2 sockets and an idle keep-alive connection: ${ms} ms`);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(CONTRACT_MS);
    expect(server.lines.some((line) => line.includes('"msg":"stopped"') && line.includes('"exitCode":0'))).toBe(true);
  });

  it("survives a second SIGTERM during the drain and still exits 0", async () => {
    const server = await start();
    const api = await signedUp(server);
    const post = slowPost(server, "/api/todos", api.cookie ?? "", { text: "twice signalled" });
    await headersArrive();

    const { exit } = terminate(server);
    await untilLogged(server, "shutting down");
    server.child.kill("SIGTERM");
    await untilLogged(server, "already shutting down");

    post.sendBody();
    expect((await post.response).status).toBe(201);
    const { code, signal, ms } = await exit;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(CONTRACT_MS);
  });

  it("cuts a request that never finishes at the SHUTDOWN_TIMEOUT_MS deadline and still exits", async () => {
    const timeoutMs = 2_000;
    const server = await start({ SHUTDOWN_TIMEOUT_MS: String(timeoutMs) });
    const api = await signedUp(server);
    const stuck = slowPost(server, "/api/todos", api.cookie ?? "", { text: "never sent" });
    await headersArrive();

    const { exit } = terminate(server);
    const { code, signal, ms } = await exit;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(timeoutMs);
    await expect(stuck.response).rejects.toThrow();
    expect(server.lines.some((line) => line.includes("drain deadline reached"))).toBe(true);
  });

  it("exits 0 promptly when Redis is already gone (closing a dead connection does not hang)", async () => {
    let redis: RedisServer | undefined = await startRedis();
    cleanups.push(() => redis?.stop());
    const server = await start({ REDIS_URL: redis.url });
    const api = await signedUp(server);
    const socket = await SocketClient.open(api);
    cleanups.push(() => socket.ws.terminate());
    await redis.stop();
    redis = undefined;

    const { exit } = terminate(server);
    const { code, signal, ms } = await exit;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(CONTRACT_MS);
    expect(server.lines.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
  });
});

/** Runs the compiled server once with exactly `env` and collects what it printed. */
function runOnce(env: Record<string, string>, timeoutMs = 10_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER_MAIN], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`still running after ${timeoutMs} ms (it should have refused to start):\n${output}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.trim() });
    });
  });
}

describe("production configuration", () => {
  const base = {
    NODE_ENV: "production",
    PORT: "0",
    HOST: "127.0.0.1",
    SESSION_SECRET: "production-secret-0123456789abcdef0123",
    PUBLIC_URL: "https://todo.example.test",
  };

  it("refuses to start without MONGODB_URI or ALLOW_EMBEDDED_DB, in one line naming MONGODB_URI", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "tandem-prodcfg-"));
    dirs.push(dataDir);
    const { code, output } = await runOnce({ ...base, DATA_DIR: dataDir });
    expect(code).not.toBe(0);
    expect(output.split("\n")).toHaveLength(1);
    expect(output).toMatch(/MONGODB_URI/);
  });

  it("refuses to start without SESSION_SECRET, in one line naming it", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "tandem-prodcfg-"));
    dirs.push(dataDir);
    const { SESSION_SECRET: _omitted, ...env } = base;
    const { code, output } = await runOnce({ ...env, ALLOW_EMBEDDED_DB: "1", DATA_DIR: dataDir });
    expect(code).not.toBe(0);
    expect(output.split("\n")).toHaveLength(1);
    expect(output).toMatch(/SESSION_SECRET/);
  });

  it("refuses to start without PUBLIC_URL, in one line naming it", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "tandem-prodcfg-"));
    dirs.push(dataDir);
    const { PUBLIC_URL: _omitted, ...env } = base;
    const { code, output } = await runOnce({ ...env, ALLOW_EMBEDDED_DB: "1", DATA_DIR: dataDir });
    expect(code).not.toBe(0);
    expect(output.split("\n")).toHaveLength(1);
    expect(output).toMatch(/PUBLIC_URL/);
  });
});
