/* eslint-disable no-console -- a command-line script: what it prints is for a person and for CI */
// Follows the README's first-run instructions as written: runs the commands of the block under
// the "first-run" marker in README.md, in order, from the repository root (the last one, the
// server, in the background), opens the URL it prints, then stops it with Ctrl-C (SIGINT) as
// the README says. Only PORT and DATA_DIR are set, as the README shows, so that it neither
// clashes with another server nor touches ./data. Part of `npm test` (`npm run test:readme`).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MARKER = "<!-- first-run: followed as written by scripts/readme-first-run.mjs -->";
/** `npm start` builds everything first: on a loaded 2-core machine that can take minutes. */
const START_TIMEOUT_MS = 300_000;
const STOP_TIMEOUT_MS = 20_000;

/** The commands of the first ```sh block after the marker, without comments and blank lines. */
function firstRunCommands(readme) {
  const at = readme.indexOf(MARKER);
  if (at < 0) throw new Error(`README.md has no ${MARKER}`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block?.[1]) throw new Error("no ```sh block after the first-run marker");
  return block[1]
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) passed += 1;
  else failed += 1;
  console.log(`${ok ? "✓" : "✗"} ${name}${ok || !detail ? "" : `: ${detail}`}`);
}

async function main() {
  const commands = firstRunCommands(readFileSync(path.join(root, "README.md"), "utf8"));
  const server = commands.at(-1);
  check("the first run ends with the command that starts the server", server === "npm start", String(server));
  const dataDir = mkdtempSync(path.join(tmpdir(), "tandem-readme-"));
  const env = { ...process.env, PORT: String(await freePort()), DATA_DIR: dataDir };
  // A newcomer's machine has none of a deployment's settings: the first run is on the embedded
  // database, without Redis, whatever the shell running this check has set.
  for (const name of ["NODE_ENV", "MONGODB_URI", "REDIS_URL", "PUBLIC_URL", "SESSION_SECRET"]) delete env[name];
  try {
    for (const command of commands.slice(0, -1)) {
      console.log(`$ ${command}`);
      const result = spawnSync("bash", ["-c", command], { cwd: root, env, stdio: "inherit" });
      check(`\`${command}\` succeeds`, result.status === 0, `exit ${result.status}`);
    }
    console.log(`$ ${server}`);
    // Its own process group, so Ctrl-C (SIGINT) reaches npm and the server, as in a terminal.
    const child = spawn("bash", ["-c", server], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    const url = await new Promise((resolve) => {
      let output = "";
      const timer = setTimeout(() => resolve(null), START_TIMEOUT_MS);
      child.stdout.on("data", (chunk) => {
        output += chunk.toString();
        const match = /open (http:\/\/\S+) in your browser/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      void exited.then(() => resolve(null));
    });
    check("`npm start` prints the URL to open", url !== null);
    if (url !== null) {
      check("the URL is on the port it was given", new URL(url).port === env.PORT, url);
      const page = await fetch(url);
      const html = await page.text();
      check("opening it shows Tandem", page.status === 200 && html.includes("<title>Tandem</title>"), `${page.status}`);
      const me = await fetch(new URL("/api/auth/me", url));
      check("the API answers behind it (signed out: 401)", me.status === 401, `${me.status}`);
      check("the data lives where DATA_DIR says", existsSync(path.join(dataDir, "tandem.db")));
    }
    process.kill(-child.pid, "SIGINT");
    const stopped = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(null), STOP_TIMEOUT_MS))]);
    check("Ctrl-C stops it", stopped !== null);
    if (stopped === null) process.kill(-child.pid, "SIGKILL");
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`readme: ${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
