import { execFile, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { liveInSession, stopSession } from "./processSessions.js";

/** The platform's release hook, kept beside this file and copied into each bare repository. */
export const POST_RECEIVE_HOOK = path.join(path.dirname(fileURLToPath(import.meta.url)), "post-receive");

export interface Release {
  /** "v1", "v2", ... */
  version: string;
  sha: string;
  port: number;
  url: string;
  /** The hook's "-----> " lines: build steps with their times, start, stop of the previous release. */
  steps: string[];
  /** Everything `git push` printed, for failure reports. */
  output: string;
  /** From the start of `git push` to its end (the hook runs inside it). */
  ms: number;
}

export interface PlatformOptions {
  /** The repository whose committed HEAD is deployed. */
  repo: string;
  /** The app's config vars (`heroku config:set`). DATA_DIR defaults to a dir shared by every release. */
  config: Record<string, string>;
  /** How long one push (build, start, switch) may take. */
  pushTimeoutMs?: number;
}

const execFileAsync = promisify(execFile);
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, "g");

/**
 * A Heroku-style platform on this machine, in a temp dir: a bare repository whose post-receive
 * hook builds and starts each pushed commit (see ./post-receive for the layout), and a clone of
 * the project's committed HEAD to push from. `destroy()` stops every process it started and
 * removes everything, also after a failure.
 */
export class Platform {
  private readonly pushes = new Set<ChildProcess>();

  private constructor(
    readonly root: string,
    readonly work: string,
    private readonly pushTimeoutMs: number,
  ) {}

  static async create({ repo, config, pushTimeoutMs = 8 * 60_000 }: PlatformOptions): Promise<Platform> {
    const root = mkdtempSync(path.join(tmpdir(), "tandem-platform-"));
    const platform = new Platform(root, path.join(root, "work"), pushTimeoutMs);
    try {
      const appGit = path.join(root, "app.git");
      await git(root, "init", "--quiet", "--bare", "--initial-branch=main", appGit);
      const hook = path.join(appGit, "hooks", "post-receive");
      copyFileSync(POST_RECEIVE_HOOK, hook);
      chmodSync(hook, 0o755);
      mkdirSync(path.join(root, "data"));
      const vars = { DATA_DIR: path.join(root, "data"), ...config };
      writeFileSync(path.join(root, "config.env"), Object.entries(vars).map(([k, v]) => `${k}=${v}\n`).join(""));

      // What CI checks out: the committed HEAD, not the working tree.
      const head = (await git(repo, "rev-parse", "HEAD")).trim();
      await git(root, "clone", "--quiet", repo, platform.work);
      await git(platform.work, "checkout", "--quiet", "--detach", head);
      await git(platform.work, "remote", "add", "platform", appGit);
      return platform;
    } catch (err) {
      await platform.destroy();
      throw err;
    }
  }

  /** The data dir every release shares (it stands in for the database add-on). */
  get dataDir(): string {
    return path.join(this.root, "data");
  }

  async commitEmpty(message: string): Promise<void> {
    await git(this.work, "commit", "--quiet", "--allow-empty", "-m", message);
  }

  /** `git push platform HEAD:main`, and the release the hook reported. */
  async push(onStep: (line: string) => void = () => {}): Promise<Release> {
    const started = performance.now();
    const sha = (await git(this.work, "rev-parse", "HEAD")).trim();
    // Its own session, so that teardown can stop the whole build (npm, node-gyp, ...) at once.
    const child = spawn("git", ["push", "platform", "HEAD:refs/heads/main"], {
      cwd: this.work,
      env: gitEnv(),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.pushes.add(child);
    let output = "";
    const steps: string[] = [];
    let partial = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      partial += chunk.toString().replace(ANSI, "");
      const lines = partial.split(/\r?\n|\r/);
      partial = lines.pop() ?? "";
      for (const line of lines) {
        const step = /-----> (.*?)\s*$/.exec(line)?.[1];
        if (step !== undefined) {
          steps.push(step);
          onStep(step);
        }
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        void stopSession(child.pid ?? 0, 1_000);
        reject(new Error(`git push did not finish in ${this.pushTimeoutMs} ms:\n${output}`));
      }, this.pushTimeoutMs);
      child.once("error", reject);
      child.once("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    }).finally(() => this.pushes.delete(child));
    const released = /-----> Released (v\d+) \([0-9a-f]+\) on port (\d+)/.exec(output);
    if (code !== 0 || !released) throw new Error(`the push did not release (git push exited with ${code}):\n${output}`);
    const port = Number(released[2]);
    return { version: released[1] ?? "", sha, port, url: `http://127.0.0.1:${port}`, steps, output, ms: Math.round(performance.now() - started) };
  }

  /** What foreman printed for a release (the app's JSON logs among it). */
  webLog(version: string): string {
    const file = path.join(this.root, "releases", version, "web.log");
    return existsSync(file) ? readFileSync(file, "utf8") : "";
  }

  /**
   * Stops every push still running and every release still up (SIGTERM to the session, SIGKILL
   * after a grace period), then removes the temp dir (two releases' node_modules: on a busy disk
   * that alone can take half a minute). Bounded: the stops take at most ~15 s.
   */
  async destroy(): Promise<void> {
    await Promise.all([...this.pushes].map((child) => (child.pid ? stopSession(child.pid, 1_000) : Promise.resolve())));
    const releases = path.join(this.root, "releases");
    const pids = existsSync(releases)
      ? readdirSync(releases)
          .map((version) => path.join(releases, version, "web.pid"))
          .filter((file) => existsSync(file))
          .map((file) => Number(readFileSync(file, "utf8").trim()))
          .filter((pid) => Number.isInteger(pid) && pid > 0 && liveInSession(pid).length > 0)
      : [];
    await Promise.all(pids.map((pid) => stopSession(pid, 12_000)));
    rmSync(this.root, { recursive: true, force: true, maxRetries: 3 });
  }
}

/**
 * git (and the hook it runs) sees a small, fixed environment: not the test runner's (NODE_ENV,
 * VITEST, npm_config_*, CI's MONGODB_URI...), which would leak into the build and the app. What
 * the machine itself needs to build stays: HOME (its npm settings), the headers of the Node.js on
 * the PATH (npm_config_nodedir, where native addons find them) and the certificates it trusts.
 */
function gitEnv(): NodeJS.ProcessEnv {
  const machine: NodeJS.ProcessEnv = {};
  for (const name of ["npm_config_nodedir", "NODE_EXTRA_CA_CERTS"]) {
    if (process.env[name] !== undefined) machine[name] = process.env[name];
  }
  return {
    ...machine,
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/root",
    LANG: "C.UTF-8",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_AUTHOR_NAME: "Deploy Test",
    GIT_AUTHOR_EMAIL: "deploy-test@example.com",
    GIT_COMMITTER_NAME: "Deploy Test",
    GIT_COMMITTER_EMAIL: "deploy-test@example.com",
  };
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync("git", args, { cwd, env: gitEnv(), timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}
