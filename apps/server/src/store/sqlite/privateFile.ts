import { chmodSync, closeSync, openSync } from "node:fs";

/** The database holds password hashes and every todo: readable and writable by its owner only. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * The files SQLite keeps beside a database in WAL mode. SQLite creates them with the database
 * file's own permissions, so a private database gets private ones; these are tightened too in
 * case an older build left them readable.
 */
const COMPANIONS = ["-wal", "-shm", "-journal"];

/**
 * Creates the database file 0600 before SQLite opens it (SQLite would create it 0644 less the
 * umask), and makes an existing one and its companions 0600. Fails, so that the store does not
 * open, when the file cannot be made private (it belongs to another user).
 */
export function makePrivate(file: string): void {
  if (file === ":memory:" || file === "" || file.startsWith("file:")) return;
  closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
  for (const suffix of COMPANIONS) {
    try {
      chmodSync(file + suffix, PRIVATE_FILE_MODE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
}
