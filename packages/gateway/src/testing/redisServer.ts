import { spawn, type ChildProcess } from "node:child_process";
import { connect, createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * A throwaway `redis-server` for tests (this package's and others'): loopback only, no
 * persistence, on a free port, so tests stay hermetic and can run side by side.
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
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const bin = options.bin ?? "redis-server";
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(bin, port, startTimeoutMs);

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined) return;
    await kill(running);
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
      child = await launch(bin, port, startTimeoutMs);
    },
  };
}

/** Asks the kernel for a free loopback port. Another process could take it before redis binds, rarely. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("could not get a free port");
  return address.port;
}

async function launch(bin: string, port: number, timeoutMs: number): Promise<ChildProcess> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
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
  // A test run that dies before its afterAll must not leave a server behind.
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));

  const deadline = Date.now() + timeoutMs;
  while (!(await answersPing(port))) {
    if (exited !== undefined) throw new Error(`${bin} ${exited}:\n${output}`);
    if (Date.now() > deadline) {
      await kill(child);
      throw new Error(`${bin} did not answer PING on port ${port} within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(25);
  }
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  await exited;
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
