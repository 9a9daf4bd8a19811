import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import type { TokenInfo } from "@tandem/protocol";
import { emailTaken } from "../storeErrors.js";
import type { PasswordResetStore, SessionRecord, SessionStore, TokenStore, UserStore } from "../Store.js";
import type { SqliteConnection } from "./connection.js";
import { isBusy, isUniqueViolation, toStoreError } from "./sqliteErrors.js";

/** The account side of the SQLite adapter: users, browser sessions, API tokens, reset links. */

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  created_at: string;
}

interface SessionRow {
  id: string;
  user_id: string;
  signed_in_at: number;
  expires_at: number;
  device_id: string;
  name: string;
  created_at: number;
  last_seen_at: number;
}

interface TokenRow {
  id: string;
  user_id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string;
}

const SESSION_COLUMNS = "id, user_id, signed_in_at, expires_at, device_id, name, created_at, last_seen_at";
const TOKEN_COLUMNS = "id, user_id, name, created_at, last_used_at, expires_at";

/** Statements prepared on first use, once per database. */
const prepared = new WeakMap<Database.Database, Map<string, Database.Statement>>();
function statement<P extends unknown[], R>(connection: SqliteConnection, sql: string): Database.Statement<P, R> {
  void connection.statements; // fails as `unavailable` once the store is closed
  let cache = prepared.get(connection.db);
  if (cache === undefined) prepared.set(connection.db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (stmt === undefined) cache.set(sql, (stmt = connection.db.prepare(sql)));
  return stmt as Database.Statement<P, R>;
}

function toSessionRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    signedInAt: row.signed_in_at,
    expiresAt: row.expires_at,
    deviceId: row.device_id,
    name: row.name,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
  };
}

function toTokenInfo(row: TokenRow): TokenInfo {
  return { id: row.id, name: row.name, createdAt: row.created_at, lastUsedAt: row.last_used_at, expiresAt: row.expires_at };
}

export function sqliteUsers(connection: SqliteConnection): UserStore {
  const q = <P extends unknown[], R = unknown>(sql: string) => statement<P, R>(connection, sql);
  const byId = (id: string) => q<[string], UserRow>("SELECT id, email, password_hash, created_at FROM users WHERE id = ?").get(id);
  return {
    async create({ email, passwordHash }) {
      return connection.run(() => {
        const id = randomUUID();
        try {
          q("INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)").run(id, email, passwordHash, new Date().toISOString());
        } catch (err) {
          // users.id is a fresh UUID, so the only unique key this insert can break is the email.
          if (isUniqueViolation(err)) throw emailTaken();
          throw err;
        }
        return { id, email };
      });
    },
    async findByEmail(email) {
      const row = connection.run(() => q<[string], UserRow>("SELECT id, email, password_hash, created_at FROM users WHERE email = ?").get(email));
      return row === undefined ? null : { id: row.id, email: row.email, passwordHash: row.password_hash, createdAt: row.created_at };
    },
    async findById(id) {
      const row = connection.run(() => byId(id));
      return row === undefined ? null : { id: row.id, email: row.email };
    },
    async findRecordById(id) {
      const row = connection.run(() => byId(id));
      return row === undefined ? null : { id: row.id, email: row.email, passwordHash: row.password_hash, createdAt: row.created_at };
    },
    async setPasswordHash(id, passwordHash) {
      connection.run(() => q("UPDATE users SET password_hash = ? WHERE id = ?").run(passwordHash, id));
    },
    async delete(id) {
      // Todos, the change log, sessions, tokens and reset links go with the row (ON DELETE CASCADE).
      return connection.run(() => q("DELETE FROM users WHERE id = ?").run(id).changes > 0);
    },
  };
}

export function sqliteSessions(connection: SqliteConnection): SessionStore {
  const q = <P extends unknown[], R = unknown>(sql: string) => statement<P, R>(connection, sql);
  return {
    async create(session) {
      connection.run(() =>
        q(`INSERT INTO browser_sessions (${SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(
          session.id,
          session.userId,
          session.signedInAt,
          session.expiresAt,
          session.deviceId,
          session.name,
          session.createdAt,
          session.lastSeenAt,
        ),
      );
    },
    async find(id, now) {
      const row = connection.run(() => q<[string, number], SessionRow>(`SELECT ${SESSION_COLUMNS} FROM browser_sessions WHERE id = ? AND expires_at > ?`).get(id, now));
      return row === undefined ? null : toSessionRecord(row);
    },
    async findWithUser(id, now) {
      const row = connection.run(() =>
        q<[string, number], SessionRow & { email: string }>(
          `SELECT s.id, s.user_id, s.signed_in_at, s.expires_at, s.device_id, s.name, s.created_at, s.last_seen_at, u.email
             FROM browser_sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id = ? AND s.expires_at > ?`,
        ).get(id, now),
      );
      return row === undefined ? null : { session: toSessionRecord(row), user: { id: row.user_id, email: row.email } };
    },
    async extend(id, expiresAt) {
      connection.run(() => q("UPDATE browser_sessions SET expires_at = ? WHERE id = ? AND expires_at < ?").run(expiresAt, id, expiresAt));
    },
    async delete(id) {
      connection.run(() => q("DELETE FROM browser_sessions WHERE id = ?").run(id));
    },
    async listByUser(userId, now) {
      const rows = connection.run(() => q<[string, number], SessionRow>(`SELECT ${SESSION_COLUMNS} FROM browser_sessions WHERE user_id = ? AND expires_at > ?`).all(userId, now));
      return rows.map(toSessionRecord);
    },
    async markSeen(id, at) {
      connection.run(() => q("UPDATE browser_sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?").run(at, id, at));
    },
    async rename(userId, deviceId, name) {
      return connection.run(() => q("UPDATE browser_sessions SET name = ? WHERE user_id = ? AND device_id = ?").run(name, userId, deviceId).changes > 0);
    },
    async renew(id, next) {
      return connection.run(
        () => q("UPDATE browser_sessions SET id = ?, signed_in_at = ?, expires_at = ? WHERE id = ?").run(next.id, next.signedInAt, next.expiresAt, id).changes > 0,
      );
    },
    async deleteByDevice(userId, deviceId) {
      return connection.run(() => {
        const id = q<[string, string], string>("DELETE FROM browser_sessions WHERE user_id = ? AND device_id = ? RETURNING id").pluck().get(userId, deviceId);
        return id ?? null;
      });
    },
    async deleteByUser(userId, exceptId) {
      return connection.run(() => q<[string, string], string>("DELETE FROM browser_sessions WHERE user_id = ? AND id <> ? RETURNING id").pluck().all(userId, exceptId ?? ""));
    },
    async deleteExpired(now) {
      // Not through `run`: a purge that finds another process holding the write lock deletes
      // nothing rather than wait for it (the next one will; reads skip expired rows meanwhile).
      try {
        return q("DELETE FROM browser_sessions WHERE expires_at <= ?").run(now).changes;
      } catch (err) {
        if (isBusy(err)) return 0;
        throw toStoreError(err);
      }
    },
  };
}

export function sqliteTokens(connection: SqliteConnection): TokenStore {
  const q = <P extends unknown[], R = unknown>(sql: string) => statement<P, R>(connection, sql);
  return {
    async create(input, { maxLive, now }) {
      const id = randomUUID();
      return connection.run(() =>
        connection.transaction().immediate(() => {
          const live = q<[string, string], number>("SELECT count(*) FROM tokens WHERE user_id = ? AND expires_at > ?").pluck().get(input.userId, now) ?? 0;
          if (live >= maxLive) return null;
          q(`INSERT INTO tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`).run(
            id,
            input.userId,
            input.name,
            input.tokenHash,
            input.createdAt,
            input.expiresAt,
          );
          return { id, name: input.name, createdAt: input.createdAt, lastUsedAt: null, expiresAt: input.expiresAt };
        }) as TokenInfo | null,
      );
    },
    async findByHash(tokenHash, now) {
      const row = connection.run(() => q<[string, string], TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE token_hash = ? AND expires_at > ?`).get(tokenHash, now));
      return row === undefined ? null : { ...toTokenInfo(row), userId: row.user_id };
    },
    async findById(id, now) {
      const row = connection.run(() => q<[string, string], TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE id = ? AND expires_at > ?`).get(id, now));
      return row === undefined ? null : { ...toTokenInfo(row), userId: row.user_id };
    },
    async markUsed(id, at) {
      connection.run(() => q("UPDATE tokens SET last_used_at = ? WHERE id = ?").run(at, id));
    },
    async list(userId, now) {
      const rows = connection.run(() => q<[string, string], TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE user_id = ? AND expires_at > ? ORDER BY created_at, rowid`).all(userId, now));
      return rows.map(toTokenInfo);
    },
    async rename(userId, tokenId, name) {
      return connection.run(() => q("UPDATE tokens SET name = ? WHERE id = ? AND user_id = ?").run(name, tokenId, userId).changes > 0);
    },
    async delete(userId, tokenId) {
      return connection.run(() => q("DELETE FROM tokens WHERE id = ? AND user_id = ?").run(tokenId, userId).changes > 0);
    },
    async deleteByUser(userId) {
      return connection.run(() => q<[string], string>("DELETE FROM tokens WHERE user_id = ? RETURNING id").pluck().all(userId));
    },
  };
}

export function sqlitePasswordResets(connection: SqliteConnection): PasswordResetStore {
  const q = <P extends unknown[], R = unknown>(sql: string) => statement<P, R>(connection, sql);
  return {
    async create({ tokenHash, userId, expiresAt }, now) {
      connection.run(() =>
        connection.transaction().immediate(() => {
          q("DELETE FROM password_resets WHERE user_id = ? AND expires_at <= ?").run(userId, now);
          q("INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES (?, ?, ?)").run(tokenHash, userId, expiresAt);
        }),
      );
    },
    async consume(tokenHash, now) {
      return connection.run(
        () =>
          connection.transaction().immediate(() => {
            const row = q<[string], { user_id: string; expires_at: number }>("SELECT user_id, expires_at FROM password_resets WHERE token_hash = ?").get(tokenHash);
            if (row === undefined) return null;
            if (row.expires_at <= now) {
              q("DELETE FROM password_resets WHERE token_hash = ?").run(tokenHash);
              return null;
            }
            q("DELETE FROM password_resets WHERE user_id = ?").run(row.user_id);
            return row.user_id;
          }) as string | null,
      );
    },
  };
}
