import Database from "better-sqlite3";
import { storeUnavailable } from "../storeErrors.js";

/**
 * SQLite result codes (https://www.sqlite.org/rescode.html) that mean "the database cannot
 * serve this right now" rather than "this request is wrong": another process held the write
 * lock for longer than `busy_timeout`, or the disk failed or is full. Extended codes such as
 * `SQLITE_BUSY_SNAPSHOT` or `SQLITE_IOERR_WRITE` start with these.
 */
const UNAVAILABLE_CODES = ["SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR", "SQLITE_FULL", "SQLITE_CANTOPEN"];

/** The extended result code of a better-sqlite3 error, e.g. `SQLITE_CONSTRAINT_UNIQUE`. */
export function sqliteCode(err: unknown): string | undefined {
  return err instanceof Database.SqliteError ? err.code : undefined;
}

/** A unique or primary-key violation: matched by result code, never by message text. */
export function isUniqueViolation(err: unknown): boolean {
  const code = sqliteCode(err);
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** Another connection holds the lock this one asked for (`SQLITE_BUSY` or one of its extended codes). */
export function isBusy(err: unknown): boolean {
  const code = sqliteCode(err);
  return code === "SQLITE_BUSY" || code?.startsWith("SQLITE_BUSY_") === true;
}

/** Maps infrastructure failures to the `unavailable` AppError; everything else passes through. */
export function toStoreError(err: unknown): unknown {
  const code = sqliteCode(err);
  if (code !== undefined && UNAVAILABLE_CODES.some((c) => code === c || code.startsWith(`${c}_`))) {
    return storeUnavailable(err);
  }
  return err;
}
