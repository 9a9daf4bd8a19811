import { spawn } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * Another process that holds the SQLite file's write lock for `ms`, then lets go and exits. A real
 * process, because a write that blocks in SQLite's busy handler blocks this whole process: a
 * connection of this process could not let go meanwhile.
 */
export async function holdWriteLock(file: string, ms: number): Promise<{ exited: Promise<unknown> }> {
  const driver = JSON.stringify(require.resolve("better-sqlite3"));
  const holder = spawn(
    process.execPath,
    ["-e", `const db = new (require(${driver}))(${JSON.stringify(file)}); db.exec("BEGIN IMMEDIATE"); process.stdout.write("held\\n"); setTimeout(() => { db.exec("COMMIT"); db.close(); }, ${ms});`],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const exited = new Promise((resolve) => holder.once("exit", resolve));
  await new Promise<void>((resolve, reject) => {
    holder.stdout.once("data", () => resolve());
    holder.once("exit", (code) => reject(new Error(`the lock holder exited (${code}) before taking the lock`)));
  });
  return { exited };
}
