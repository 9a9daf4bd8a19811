import type Database from "better-sqlite3";
import type { TodoRecord } from "../TodoStorage.js";

/** Rows as SQLite returns them (snake_case, 0/1 for booleans), and their mapping to records. */

export interface TodoTableRow {
  id: string;
  user_id: string;
  text: string;
  done: number;
  created_at: string;
  updated_at: string;
  device: string | null;
  version: number;
}

const TODO_COLUMNS = "id, user_id, text, done, created_at, updated_at, device, version";
/** Oldest first; `created_seq` orders todos created within the same millisecond. */
const TODO_ORDER = "ORDER BY created_at, created_seq";

type Statement<P extends unknown[], R> = Database.Statement<P, R>;

/** Every statement the store runs (see prepareStatements). */
export interface Statements {
  ping: Statement<[], number>;
  userSeq: Statement<[userId: string], number>;
  todoById: Statement<[id: string], TodoTableRow>;
  todosOf: Statement<[userId: string], TodoTableRow>;
  /** The next `limit` todos of the list after the one at (createdAt, createdSeq). */
  todosPage: Statement<[userId: string, createdAt: string, createdSeq: number, limit: number], TodoTableRow & { created_seq: number }>;
  /** `limit` -1: all of them. */
  todosByDone: Statement<[userId: string, done: number, limit: number], TodoTableRow>;
  todoCount: Statement<[userId: string], number>;
  insertTodo: Statement<
    [id: string, userId: string, text: string, done: number, createdAt: string, updatedAt: string, device: string | null, version: number, createdSeq: number],
    unknown
  >;
  updateTodo: Statement<[text: string, done: number, updatedAt: string, device: string | null, version: number, id: string, userId: string], unknown>;
  deleteTodo: Statement<[id: string, userId: string], unknown>;
  insertEvent: Statement<[userId: string, seq: number, entry: string], unknown>;
  trimEvents: Statement<[userId: string, upTo: number], unknown>;
  eventsAfter: Statement<[userId: string, after: number], { seq: number; entry: string }>;
  purgeRateLimits: Statement<[now: number], unknown>;
  /** The outbox side of a todo change (the rest of the webhooks' statements: webhookStatements.ts). */
  enabledWebhooksOf: Statement<[userId: string], string>;
  insertOutbox: Statement<[endpointId: string, seq: number, body: string], unknown>;
  markWebhookDue: Statement<[now: number, endpointId: string, userId: string], unknown>;
}

/** Every statement the store runs, prepared once per connection. */
export function prepareStatements(db: Database.Database): Statements {
  return {
    ping: db.prepare<[], number>("SELECT 1").pluck(),

    // The newest seq of the user's log (0 before their first change): the end of their range of
    // the log's primary key, the page their next event goes into. The log is never trimmed empty.
    userSeq: db.prepare<[userId: string], number>("SELECT coalesce(max(seq), 0) FROM events WHERE user_id = ?").pluck(),
    todoById: db.prepare(`SELECT ${TODO_COLUMNS} FROM todos WHERE id = ?`),
    todosOf: db.prepare(`SELECT ${TODO_COLUMNS} FROM todos WHERE user_id = ? ${TODO_ORDER}`),
    todosPage: db.prepare(
      `SELECT ${TODO_COLUMNS}, created_seq FROM todos WHERE user_id = ? AND (created_at, created_seq) > (?, ?) ${TODO_ORDER} LIMIT ?`,
    ),
    todosByDone: db.prepare(
      `SELECT ${TODO_COLUMNS} FROM todos WHERE user_id = ? AND done = ? ${TODO_ORDER} LIMIT ?`,
    ),
    // Counts the entries of the list's index (todos_user_created) without reading a row.
    todoCount: db.prepare<[userId: string], number>("SELECT count(*) FROM todos WHERE user_id = ?").pluck(),
    insertTodo: db.prepare(
      `INSERT INTO todos (id, user_id, text, done, created_at, updated_at, device, version, created_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateTodo: db.prepare(
      "UPDATE todos SET text = ?, done = ?, updated_at = ?, device = ?, version = ? WHERE id = ? AND user_id = ?",
    ),
    deleteTodo: db.prepare("DELETE FROM todos WHERE id = ? AND user_id = ?"),

    insertEvent: db.prepare(
      "INSERT INTO events (user_id, seq, entry) VALUES (?, ?, ?)",
    ),
    trimEvents: db.prepare("DELETE FROM events WHERE user_id = ? AND seq <= ?"),
    eventsAfter: db.prepare(
      "SELECT seq, entry FROM events WHERE user_id = ? AND seq > ? ORDER BY seq",
    ),

    // The counters themselves are read and written by rate-limiter-flexible (sqliteLimiters.ts).
    purgeRateLimits: db.prepare("DELETE FROM rate_limits WHERE expire <= ?"),

    enabledWebhooksOf: db
      .prepare<[userId: string], string>("SELECT id FROM webhook_endpoints WHERE user_id = ? AND disabled_at IS NULL ORDER BY created_at, id")
      .pluck(),
    insertOutbox: db.prepare("INSERT INTO webhook_outbox (endpoint_id, seq, body) VALUES (?, ?, ?)"),
    // An endpoint already due (or waiting for a retry) keeps its time: the new event queues behind.
    markWebhookDue: db.prepare(
      "UPDATE webhook_endpoints SET due_at = coalesce(due_at, ?) WHERE id = ? AND user_id = ? AND disabled_at IS NULL",
    ),
  };
}



export function toTodoRecord(row: TodoTableRow): TodoRecord {
  return {
    id: row.id,
    userId: row.user_id,
    text: row.text,
    done: row.done === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    device: row.device,
    version: row.version,
  };
}
