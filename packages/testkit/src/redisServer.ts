import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./freePort.js";
import { killOnExit, stopChild } from "./killOnExit.js";
import { asIs, type WrapCommand } from "./wrap.js";

/**
 * A throwaway `redis-server`: loopback only, nothing persisted, on a free port, so tests stay
 * hermetic and can run side by side.
 *
 *     const redis = await startRedis();
 *     afterAll(() => redis.stop());
 */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Whether the process is running (between start/restart and stop). */
  readonly running: boolean;
  /** Kills the server (SIGKILL: to clients it looks like a crash) and waits for it to exit. */
  stop(): Promise<void>;
  /** Stops the server if it runs, then starts a fresh, empty one on the same port. */
  restart(): Promise<void>;
}

export interface StartRedisOptions {
  /** The executable; default `redis-server` from the PATH (Debian's package installs it). */
  readonly bin?: string;
  /** How long to wait for the server to answer PING. Default 10 s. */
  readonly startTimeoutMs?: number;
  /** Rewrites the command before it is spawned (e.g. `taskset`); default: as it is. */
  readonly wrap?: WrapCommand;
}

/** Whether `redis-server` (or `bin`) can be run here. */
export function hasRedis(bin = "redis-server"): boolean {
  try {
    execFileSync(bin, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const bin = options.bin ?? "redis-server";
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  const wrap = options.wrap ?? asIs;
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(bin, wrap, port, startTimeoutMs);

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running !== undefined) await stopChild(running);
  };

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get running() {
      return child !== undefined;
    },
    stop,
    async restart() {
      await stop();
      child = await launch(bin, wrap, port, startTimeoutMs);
    },
  };
}

async function launch(bin: string, wrap: WrapCommand, port: number, timeoutMs: number): Promise<ChildProcess> {
  const { command, args } = wrap(bin, [
    "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning",
  ]);
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer): void => {
    // Only kept to explain a failed start; bounded so a chatty server cannot grow it forever.
    if (output.length < 10_000) output += chunk.toString();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let exited: string | undefined;
  child.once("error", (err) => {
    exited = err.message;
  });
  child.once("exit", (code, signal) => {
    exited ??= `exited with ${signal ?? code}`;
  });
  killOnExit(child);

  const deadline = Date.now() + timeoutMs;
  while (!(await answersPing(port))) {
    if (exited !== undefined) throw new Error(`${bin} ${exited}:\n${output}`);
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`${bin} did not answer PING on port ${port} within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(25);
  }
  return child;
}

/** One PING over a raw TCP connection: "+PONG" means the server is up and done loading. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    let reply = "";
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
    socket.once("error", () => done(false));
  });
}
