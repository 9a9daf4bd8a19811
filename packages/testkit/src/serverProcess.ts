import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./freePort.js";
import { killOnExit } from "./killOnExit.js";
import { asIs, type WrapCommand } from "./wrap.js";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A server running as a Node process of its own, listening on loopback. */
export interface ServerProcess {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** What the process printed, one entry a line (stdout and stderr), for assertions and failure reports. */
  readonly lines: string[];
  readonly exited: Promise<Exit>;
  /** Sends `signal` (default SIGTERM) if the process runs, and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
}

export interface StartServerOptions {
  /** The script Node runs. */
  readonly entry: string;
  /**
   * Exactly the environment the process gets (PATH and HOST=127.0.0.1 added), so nothing from
   * the caller's shell changes what is tested. PORT defaults to a free port.
   */
  readonly env: Record<string, string>;
  /** Node/V8 flags, placed before the entry. */
  readonly nodeArgs?: readonly string[];
  /** Rewrites the command before it is spawned (e.g. `taskset`); default: as it is. */
  readonly wrap?: WrapCommand;
  /** Opens an IPC channel to the child (`child.send`). */
  readonly ipc?: boolean;
  /**
   * When the server is ready: by default when `GET /healthz` answers 200; or when `portFromLine`
   * finds the port in a line the process prints (for PORT=0, where only the server knows it).
   */
  readonly portFromLine?: (line: string) => number | undefined;
  /** Keeps only the last this-many lines (a long benchmark must not grow its driver). Default: all. */
  readonly keepLines?: number;
  /** Default 15 s. */
  readonly timeoutMs?: number;
}

/**
 * Starts `node [nodeArgs] entry` as a process of its own and resolves once it serves, or rejects
 * with its output if it exits or is not ready in time. The process is killed if the caller's
 * process exits first.
 */
export async function startServerProcess(options: StartServerOptions): Promise<ServerProcess> {
  const { entry, nodeArgs = [], wrap = asIs, ipc = false, portFromLine, keepLines = Infinity, timeoutMs = 15_000 } = options;
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOST: "127.0.0.1", ...options.env };
  env.PORT ??= String(await freePort());
  const { command, args } = wrap(process.execPath, [...nodeArgs, entry]);
  const child = spawn(command, args, { env, stdio: ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"] });
  killOnExit(child);
  const exited = new Promise<Exit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let exit: Exit | undefined;
  void exited.then((e) => (exit = e));
  let spawnError: Error | undefined;
  child.once("error", (err) => (spawnError = err));

  const lines: string[] = [];
  let port = Number(env.PORT) || undefined;
  let readPort: number | undefined;
  let buffer = "";
  const onData = (chunk: Buffer): void => {
    buffer += chunk.toString("utf8");
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      if (lines.length > keepLines) lines.splice(0, lines.length - keepLines);
      if (portFromLine !== undefined && readPort === undefined) readPort = portFromLine(line);
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError !== undefined || exit !== undefined) {
      await exited.catch(() => undefined);
      throw new Error(`${entry}: ${spawnError?.message ?? `exited with ${exit?.signal ?? exit?.code}`} before it served:\n${lines.join("\n")}`);
    }
    if (portFromLine !== undefined ? readPort !== undefined : port !== undefined && (await healthy(port))) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${entry}: not ready within ${timeoutMs} ms:\n${lines.join("\n")}`);
    }
    await sleep(25);
  }
  if (readPort !== undefined) port = readPort;
  if (port === undefined) throw new Error(`${entry}: no port`);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    lines,
    exited,
    async kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** One `GET /healthz` on a fresh connection: true on 200, false on anything else or an error. */
function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/healthz", agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once("timeout", () => req.destroy());
    req.once("error", () => resolve(false));
    req.end();
  });
}
