import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/**
 * The storage work both peers do per request, so that the comparison with Tandem is not "a
 * database against none": the same embedded SQLite (better-sqlite3, WAL, synchronous=NORMAL, as
 * Tandem's SqliteStore sets it), one INSERT per todo, and a user lookup by email for sign-in.
 *
 * It is deliberately less than Tandem does per write (Tandem also reads the user's seq, appends
 * the event to its change log and trims the log in one transaction, and looks up the session): that
 * difference is part of what the benchmark shows, not something to hide.
 */
export class PeerStore {
  /** @param {string} dataDir */
  constructor(dataDir) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(path.join(dataDir, "peer.db"));
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    // Tandem's page cache (SqliteStore's PAGE_CACHE_KIB): better-sqlite3's 16 MB made commits
    // slower there, and the peers should not pay for a setting Tandem was tuned out of.
    this.db.pragma("cache_size = -2000");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS todos (
        id TEXT PRIMARY KEY, user_id TEXT NOT NULL, text TEXT NOT NULL, done INTEGER NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, device TEXT, version INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE IF NOT EXISTS users (email TEXT PRIMARY KEY, password_hash TEXT NOT NULL) STRICT;
    `);
    this.insertTodoStatement = this.db.prepare(
      "INSERT INTO todos (id, user_id, text, done, created_at, updated_at, device, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.userStatement = this.db.prepare("SELECT password_hash FROM users WHERE email = ?").pluck();
    this.insertUserStatement = this.db.prepare("INSERT OR REPLACE INTO users (email, password_hash) VALUES (?, ?)");
  }

  /** @param {import("./changeEvent.mjs").Todo} todo */
  insertTodo(todo) {
    this.insertTodoStatement.run(todo.id, todo.userId, todo.text, 0, todo.createdAt, todo.updatedAt, todo.device, todo.version);
  }

  /** @param {string} email @param {string} passwordHash */
  addUser(email, passwordHash) {
    this.insertUserStatement.run(email, passwordHash);
  }

  /** @param {string} email @returns {string | undefined} */
  passwordHashOf(email) {
    return /** @type {string | undefined} */ (this.userStatement.get(email));
  }

  close() {
    this.db.close();
  }
}
