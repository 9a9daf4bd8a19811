import { mkdirSync, statSync } from "node:fs";
import type { Logger } from "./logger.js";

/**
 * DATA_DIR holds the SQLite file (password hashes and every todo) and, in development, the
 * session secret. A directory this server creates is for its own user only.
 */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates `dir` (and any missing parents) 0700. A directory that already exists is left as it
 * is, because it is the operator's and may hold other things (`DATA_DIR=.`, a shared volume);
 * if other users can enter it, one warning says so and how to tighten it. The files in it are
 * private whatever the directory's mode (`store/sqlite/privateFile.ts`, `devSecret.ts`).
 */
export function ensurePrivateDir(dir: string, logger: Logger): void {
  const created = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (created !== undefined) return;
  const mode = statSync(dir).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    logger.warn(
      { dataDir: dir, mode: mode.toString(8) },
      `DATA_DIR ${dir} can be entered by other users (mode ${mode.toString(8)}); its files are private (0600), but to hide their names and sizes too: chmod 700 ${dir}`,
    );
  }
}
