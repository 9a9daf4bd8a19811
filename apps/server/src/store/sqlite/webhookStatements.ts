import type Database from "better-sqlite3";
import type { WebhookAttemptRecord, WebhookEndpointRecord } from "../WebhookStorage.js";

/** The webhooks' rows as SQLite returns them, and their mapping to records. */

export interface EndpointRow {
  id: string;
  user_id: string;
  url: string;
  description: string;
  secret: string;
  created_at: string;
  disabled_at: string | null;
  disabled_reason: string | null;
  failing_since: string | null;
  last_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
}

export interface AttemptRow {
  seq: number;
  attempt: number;
  at: string;
  status: number | null;
  error: string | null;
  duration_ms: number;
  response_body: string | null;
  next_retry_at: string | null;
}

const ENDPOINT_COLUMNS =
  "id, user_id, url, description, secret, created_at, disabled_at, disabled_reason, failing_since, last_attempt_at, last_status, last_error";

type Statement<P extends unknown[], R> = Database.Statement<P, R>;
type Last = [lastAttemptAt: string, lastStatus: number | null, lastError: string | null];

export interface WebhookStatements {
  countOf: Statement<[userId: string], number>;
  insert: Statement<[id: string, userId: string, url: string, description: string, secret: string, createdAt: string], unknown>;
  listOf: Statement<[userId: string], EndpointRow>;
  deleteOne: Statement<[id: string, userId: string], unknown>;
  enable: Statement<[id: string, userId: string], unknown>;
  owned: Statement<[id: string, userId: string], number>;
  attemptsOf: Statement<[endpointId: string, limit: number], AttemptRow>;
  anyDue: Statement<[now: number, now2: number], number>;
  due: Statement<[now: number, now2: number, limit: number], EndpointRow>;
  lease: Statement<[owner: string, until: number, id: string], unknown>;
  head: Statement<[endpointId: string], { seq: number; body: string; attempts: number }>;
  idle: Statement<[id: string], unknown>;
  leaseOwner: Statement<[id: string], string | null>;
  insertAttempt: Statement<
    [endpointId: string, seq: number, attempt: number, at: string, status: number | null, error: string | null, durationMs: number, responseBody: string | null, nextRetryAt: string | null],
    unknown
  >;
  trimAttempts: Statement<[endpointId: string, endpointIdAgain: string, keep: number], unknown>;
  dequeue: Statement<[endpointId: string, seq: number], unknown>;
  delivered: Statement<[...Last, endpointId: string, now: number, id: string], unknown>;
  countAttempt: Statement<[endpointId: string, seq: number], unknown>;
  retry: Statement<[...Last, failingSince: string, dueAt: number, id: string], unknown>;
  dropQueue: Statement<[endpointId: string], unknown>;
  disable: Statement<[...Last, failingSince: string, disabledAt: string, reason: string, id: string], unknown>;
}

export function prepareWebhookStatements(db: Database.Database): WebhookStatements {
  const releaseAnd = "lease_owner = NULL, lease_until = NULL, last_attempt_at = ?, last_status = ?, last_error = ?";
  return {
    countOf: db.prepare<[string], number>("SELECT count(*) FROM webhook_endpoints WHERE user_id = ?").pluck(),
    insert: db.prepare("INSERT INTO webhook_endpoints (id, user_id, url, description, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)"),
    listOf: db.prepare(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE user_id = ? ORDER BY created_at, id`),
    deleteOne: db.prepare("DELETE FROM webhook_endpoints WHERE id = ? AND user_id = ?"),
    // Its queue was dropped when it was disabled: it starts again with the next change.
    enable: db.prepare(
      "UPDATE webhook_endpoints SET disabled_at = NULL, disabled_reason = NULL, failing_since = NULL WHERE id = ? AND user_id = ?",
    ),
    owned: db.prepare<[string, string], number>("SELECT count(*) FROM webhook_endpoints WHERE id = ? AND user_id = ?").pluck(),
    attemptsOf: db.prepare(
      "SELECT seq, attempt, at, status, error, duration_ms, response_body, next_retry_at FROM webhook_attempts WHERE endpoint_id = ? ORDER BY id DESC LIMIT ?",
    ),
    anyDue: db
      .prepare<[number, number], number>(
        "SELECT count(*) FROM (SELECT 1 FROM webhook_endpoints WHERE due_at <= ? AND (lease_until IS NULL OR lease_until <= ?) LIMIT 1)",
      )
      .pluck(),
    due: db.prepare(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE due_at <= ? AND (lease_until IS NULL OR lease_until <= ?) ORDER BY due_at LIMIT ?`,
    ),
    lease: db.prepare("UPDATE webhook_endpoints SET lease_owner = ?, lease_until = ? WHERE id = ?"),
    head: db.prepare("SELECT seq, body, attempts FROM webhook_outbox WHERE endpoint_id = ? ORDER BY seq LIMIT 1"),
    idle: db.prepare("UPDATE webhook_endpoints SET due_at = NULL, lease_owner = NULL, lease_until = NULL WHERE id = ?"),
    leaseOwner: db.prepare<[string], string | null>("SELECT lease_owner FROM webhook_endpoints WHERE id = ?").pluck(),
    insertAttempt: db.prepare(
      `INSERT INTO webhook_attempts (endpoint_id, seq, attempt, at, status, error, duration_ms, response_body, next_retry_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    trimAttempts: db.prepare(
      `DELETE FROM webhook_attempts WHERE endpoint_id = ? AND id <=
         (SELECT id FROM webhook_attempts WHERE endpoint_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    ),
    dequeue: db.prepare("DELETE FROM webhook_outbox WHERE endpoint_id = ? AND seq = ?"),
    delivered: db.prepare(
      `UPDATE webhook_endpoints SET ${releaseAnd}, failing_since = NULL,
         due_at = CASE WHEN EXISTS (SELECT 1 FROM webhook_outbox WHERE endpoint_id = ?) THEN ? ELSE NULL END
       WHERE id = ?`,
    ),
    countAttempt: db.prepare("UPDATE webhook_outbox SET attempts = attempts + 1 WHERE endpoint_id = ? AND seq = ?"),
    retry: db.prepare(`UPDATE webhook_endpoints SET ${releaseAnd}, failing_since = coalesce(failing_since, ?), due_at = ? WHERE id = ?`),
    dropQueue: db.prepare("DELETE FROM webhook_outbox WHERE endpoint_id = ?"),
    disable: db.prepare(
      `UPDATE webhook_endpoints SET ${releaseAnd}, failing_since = coalesce(failing_since, ?), due_at = NULL, disabled_at = ?, disabled_reason = ? WHERE id = ?`,
    ),
  };
}

export function toEndpointRecord(row: EndpointRow): WebhookEndpointRecord {
  return {
    id: row.id,
    userId: row.user_id,
    url: row.url,
    description: row.description,
    secret: row.secret,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since,
    lastAttemptAt: row.last_attempt_at,
    lastStatus: row.last_status,
    lastError: row.last_error,
  };
}

export function toAttemptRecord(row: AttemptRow): WebhookAttemptRecord {
  return {
    seq: row.seq,
    attempt: row.attempt,
    at: row.at,
    status: row.status,
    error: row.error,
    durationMs: row.duration_ms,
    responseBody: row.response_body,
    nextRetryAt: row.next_retry_at,
  };
}
