import type Database from "better-sqlite3";
import type { IdempotencyClaim, IdempotencyStore } from "../Store.js";
import type { SqliteConnection } from "./connection.js";
import { isBusy } from "./sqliteErrors.js";

interface KeyRow {
  fingerprint: string;
  status: number | null;
  body: string | null;
}

interface IdempotencyStatements {
  /** Inserts the claim, or takes over an expired one; changes nothing when a live one holds the key. */
  claim: Database.Statement<[{ userId: string; key: string; fingerprint: string; expiresAt: number; now: number }], unknown>;
  find: Database.Statement<[userId: string, key: string], KeyRow>;
  complete: Database.Statement<[status: number, body: string, expiresAt: number, userId: string, key: string], unknown>;
  /** Forgets the user's answered keys older than their newest `keep`. */
  trim: Database.Statement<[{ userId: string; keep: number }], unknown>;
  release: Database.Statement<[userId: string, key: string], unknown>;
  purge: Database.Statement<[now: number], unknown>;
}

/** Idempotency keys in the SQLite file (table `idempotency_keys`, migration 9). */
export function sqliteIdempotency(connection: SqliteConnection): IdempotencyStore {
  let prepared: IdempotencyStatements | null = null;
  const s = (): IdempotencyStatements => {
    // Reading `statements` first fails as the store does when it is closed or not yet open.
    void connection.statements;
    prepared ??= prepare(connection.db);
    return prepared;
  };
  return {
    async claim(userId, key, fingerprint, now, expiresAt) {
      // One write transaction: of two claims of one key (from any process), one inserts, the other finds it.
      return connection.run(() =>
        connection.transaction().immediate((): IdempotencyClaim => {
          if (s().claim.run({ userId, key, fingerprint, expiresAt, now }).changes > 0) return { kind: "claimed" };
          const row = s().find.get(userId, key);
          if (row === undefined) throw new Error("an idempotency key that refused a claim is gone");
          const answer = row.status === null ? null : { status: row.status, body: row.body ?? "" };
          return { kind: "found", fingerprint: row.fingerprint, answer };
        }) as IdempotencyClaim,
      );
    },
    async complete(userId, key, answer, expiresAt, keep) {
      connection.run(() =>
        connection.transaction().immediate(() => {
          s().complete.run(answer.status, answer.body, expiresAt, userId, key);
          s().trim.run({ userId, keep });
        }),
      );
    },
    async release(userId, key) {
      connection.run(() => s().release.run(userId, key));
    },
    async deleteExpired(now) {
      // Like the session purge: never waits for another process's write lock; the next one deletes them.
      try {
        return s().purge.run(now).changes;
      } catch (err) {
        if (isBusy(err)) return 0;
        throw err;
      }
    },
  };
}

function prepare(db: Database.Database): IdempotencyStatements {
  return {
    claim: db.prepare(`
      INSERT INTO idempotency_keys (user_id, key, fingerprint, status, body, expires_at) VALUES (@userId, @key, @fingerprint, NULL, NULL, @expiresAt)
      ON CONFLICT (user_id, key) DO UPDATE
        SET fingerprint = excluded.fingerprint, status = NULL, body = NULL, expires_at = excluded.expires_at
        WHERE idempotency_keys.expires_at <= @now`),
    find: db.prepare("SELECT fingerprint, status, body FROM idempotency_keys WHERE user_id = ? AND key = ?"),
    complete: db.prepare("UPDATE idempotency_keys SET status = ?, body = ?, expires_at = ? WHERE user_id = ? AND key = ?"),
    // Walks at most the user's own keys (the primary key's prefix): a few more than `keep`.
    trim: db.prepare(`
      DELETE FROM idempotency_keys WHERE user_id = @userId AND status IS NOT NULL AND expires_at < (
        SELECT expires_at FROM idempotency_keys WHERE user_id = @userId AND status IS NOT NULL
         ORDER BY expires_at DESC LIMIT 1 OFFSET @keep - 1)`),
    release: db.prepare("DELETE FROM idempotency_keys WHERE user_id = ? AND key = ?"),
    purge: db.prepare("DELETE FROM idempotency_keys WHERE expires_at <= ?"),
  };
}
