import type Database from "better-sqlite3";

/**
 * The SQLite schema as an ordered list of migrations. `PRAGMA user_version` records how many
 * have run, so a later change is one more entry here (never an edit of an old one) and an
 * existing database file is brought forward on the next boot.
 *
 * Tables are STRICT (SQLite 3.37+, bundled by better-sqlite3) so a wrongly typed value is an
 * error instead of being silently stored as whatever it happened to be.
 */
const MIGRATIONS: readonly string[] = [
  /* 1: initial schema */ `
  CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    -- the user's change counter: the seq of their latest change (0 before the first)
    seq INTEGER NOT NULL DEFAULT 0 CHECK (seq >= 0),
    created_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT
  ) STRICT;
  CREATE INDEX IF NOT EXISTS tokens_user ON tokens (user_id, created_at);

  CREATE TABLE IF NOT EXISTS todos (
    -- chosen by the client (a UUID), hence global: the owner is checked on every access
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    text TEXT NOT NULL CHECK (length(text) > 0),
    done INTEGER NOT NULL CHECK (done IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    device TEXT,
    version INTEGER NOT NULL CHECK (version >= 1),
    -- the user's seq when the todo was created: orders todos created in the same millisecond.
    -- (The implicit rowid would too, but VACUUM may renumber rowids of a table like this one.)
    created_seq INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS todos_user_created ON todos (user_id, created_at, created_seq);

  -- the bounded per-user change log; the primary key is also the catch-up query's index
  CREATE TABLE IF NOT EXISTS events (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL CHECK (seq >= 1),
    event_json TEXT NOT NULL,
    PRIMARY KEY (user_id, seq)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE IF NOT EXISTS sessions (
    sid TEXT PRIMARY KEY,
    sess TEXT NOT NULL,
    -- epoch milliseconds
    expires INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS sessions_expires ON sessions (expires);
  `,
  /* 2: sessions of our own (auth/sessions.ts) instead of express-session's JSON blobs. Rows are
        keyed by a hash of the cookie's secret, so no old session can be carried over: everyone
        signs in once more after this upgrade. */ `
  DROP TABLE IF EXISTS sessions;
  CREATE TABLE browser_sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    signed_in_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX browser_sessions_expires ON browser_sessions (expires_at);
  `,
  /* 3: a user's seq is the newest seq in their change log (SqliteStore#nextSeq), which the trim
        never removes, instead of a counter in their row: one B-tree fewer written per change.
        Every seq ever taken went into the log in the same transaction, so the two agree; should a
        database say otherwise (events deleted by hand), the CHECK below fails the migration and
        leaves the database as it was, since dropping the counter would hand out seqs again that
        clients have already seen. SQLite keeps the users table's text as first written, so its
        comment on the old column stays in the schema. */ `
  CREATE TEMP TABLE migration_3_check (disagreeing_users INTEGER CHECK (disagreeing_users = 0));
  INSERT INTO migration_3_check
    SELECT count(*) FROM users u
     WHERE u.seq <> (SELECT coalesce(max(e.seq), 0) FROM events e WHERE e.user_id = u.id);
  DROP TABLE migration_3_check;
  ALTER TABLE users DROP COLUMN seq;
  `,
  /* 4: the change log keeps each event in the compact form of sqliteChangeLog.ts (what the row's
        key and the event's constant parts do not already say), in a column named for it. Values
        are copied as JSON (`json(x -> path)`), not as SQL values, so strings keep their escapes
        (a lone surrogate would not survive the trip through SQL text) and booleans stay booleans.
        A row that does not convert into a whole entry fails the migration, which then leaves the
        database as it was, rather than reach clients as a broken event on catch-up. */ `
  UPDATE events SET event_json = CASE json_extract(event_json, '$.meta.eventName')
    WHEN 'delete' THEN json_object(
      'e', 'delete',
      'r', json(event_json -> '$.meta.requestId'),
      'd', json(event_json -> '$.meta.device'),
      'id', json(event_json -> '$.object.id'))
    ELSE json_object(
      'e', json(event_json -> '$.meta.eventName'),
      'r', json(event_json -> '$.meta.requestId'),
      'd', json(event_json -> '$.meta.device'),
      'id', json(event_json -> '$.object.id'),
      'text', json(event_json -> '$.object.text'),
      'done', json(event_json -> '$.object.done'),
      'createdAt', json(event_json -> '$.object.createdAt'),
      'updatedAt', json(event_json -> '$.object.updatedAt'),
      'version', json(event_json -> '$.object.version'))
    END;
  CREATE TEMP TABLE migration_4_check (unconverted_rows INTEGER CHECK (unconverted_rows = 0));
  INSERT INTO migration_4_check
    SELECT count(*) FROM events
     WHERE json_extract(event_json, '$.e') IS NULL OR json_extract(event_json, '$.e') NOT IN ('create', 'update', 'delete')
        OR json_type(event_json, '$.r') IS NOT 'text' OR json_type(event_json, '$.id') IS NOT 'text'
        OR json_type(event_json, '$.d') NOT IN ('text', 'null')
        OR (json_extract(event_json, '$.e') <> 'delete' AND (
              json_type(event_json, '$.text') IS NOT 'text' OR json_type(event_json, '$.done') NOT IN ('true', 'false')
           OR json_type(event_json, '$.createdAt') IS NOT 'text' OR json_type(event_json, '$.updatedAt') IS NOT 'text'
           OR json_type(event_json, '$.version') IS NOT 'integer'));
  DROP TABLE migration_4_check;
  ALTER TABLE events RENAME COLUMN event_json TO entry;
  `,
  /* 5: rate-limit counters (the sign-in throttle, the sign-up limit) for rate-limiter-flexible's
        RateLimiterSQLite (sqliteLimiters.ts), so a restart does not reset them. The columns are the
        ones that library reads and writes; `expire` is when the key's window ends (epoch ms). */ `
  CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    points INTEGER NOT NULL DEFAULT 0,
    expire INTEGER
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX rate_limits_expire ON rate_limits (expire);
  `,
  /* 6: toggle-all and clear-completed work through a user's todos by `done`, a chunk per
        transaction (todos/bulkChange.ts). With only the list's index each chunk scanned past the
        todos earlier chunks had already changed, so a toggle-all over 5,000 todos read rows
        quadratically; this index hands each chunk its rows straight away, in list order. */ `
  CREATE INDEX todos_user_done ON todos (user_id, done, created_at, created_seq);
  `,
  /* 7: devices (auth/devices.ts). A browser session gets a device id that outlives its session id
        (a password change moves the session to a new id), a name, and when it was created and
        last seen; a token gets an expiry (tokens made before this get the default 90 days from
        the upgrade). Password-reset links are kept by the SHA-256 of their secret. */ `
  ALTER TABLE browser_sessions ADD COLUMN device_id TEXT NOT NULL DEFAULT '';
  ALTER TABLE browser_sessions ADD COLUMN name TEXT NOT NULL DEFAULT 'Browser';
  ALTER TABLE browser_sessions ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE browser_sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
  UPDATE browser_sessions SET
    device_id = lower(hex(randomblob(16))), created_at = signed_in_at, last_seen_at = signed_in_at;
  CREATE INDEX browser_sessions_user ON browser_sessions (user_id, device_id);

  ALTER TABLE tokens ADD COLUMN expires_at TEXT NOT NULL DEFAULT '';
  UPDATE tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+90 days');

  CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- epoch milliseconds
    expires_at INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX password_resets_user ON password_resets (user_id);
  `,
  /* 8: outbound webhooks (webhooks/): the endpoints, the outbox a todo change writes into in its
        own transaction, and each endpoint's recent attempts. An endpoint is due when `due_at`
        (epoch ms) has passed: it is null when its queue is empty or it is disabled, and a lease
        (`lease_owner` until `lease_until`) keeps a second process from trying the same
        delivery (SqliteWebhookStorage.ts). */ `
  CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    description TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled_at TEXT,
    disabled_reason TEXT,
    failing_since TEXT,
    last_attempt_at TEXT,
    last_status INTEGER,
    last_error TEXT,
    due_at INTEGER,
    lease_owner TEXT,
    lease_until INTEGER
  ) STRICT;
  CREATE INDEX webhook_endpoints_user ON webhook_endpoints (user_id, created_at);
  CREATE INDEX webhook_endpoints_due ON webhook_endpoints (due_at) WHERE due_at IS NOT NULL;

  CREATE TABLE webhook_outbox (
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL CHECK (seq >= 1),
    body TEXT NOT NULL,
    -- attempts made so far
    attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (endpoint_id, seq)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    at TEXT NOT NULL,
    status INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL,
    response_body TEXT,
    next_retry_at TEXT
  ) STRICT;
  CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id);
  `,
  /* 9: the answers to writes sent with an Idempotency-Key (sqliteIdempotency.ts), per user. A row
        whose `status` is NULL is a write still running; `expires_at` (epoch ms) is when the key
        may be used afresh. */ `
  CREATE TABLE idempotency_keys (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER,
    body TEXT,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Runs the migrations the database has not seen yet, each in its own transaction.
 * @param target the version to stop at (tests build an old database with it)
 */
export function migrate(db: Database.Database, target = SCHEMA_VERSION): void {
  const current = db.pragma("user_version", { simple: true });
  if (typeof current !== "number") throw new Error(`unexpected PRAGMA user_version: ${String(current)}`);
  if (current > SCHEMA_VERSION) {
    // Refuse rather than guess: an older build would misread a newer schema.
    throw new Error(`database schema version ${current} is newer than this build's ${SCHEMA_VERSION}`);
  }
  for (let version = current; version < target; version++) {
    const sql = MIGRATIONS[version];
    if (sql === undefined) break;
    db.transaction(() => {
      db.exec(sql);
      // PRAGMA takes no bound parameters; `version + 1` is a number we computed.
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
