import { afterEach, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { migrate } from "./schema.js";
import { prepareStatements } from "./statements.js";

/**
 * What SQLite does for the statements whose cost grows with a user's list. At TODOS_MAX_PER_USER
 * a scan that reads rows it does not need (or sorts them) is the difference between a chunk of a
 * bulk change costing a few milliseconds and costing tens.
 */
const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function planOf(statement: keyof ReturnType<typeof prepareStatements>, ...params: unknown[]): string[] {
  const db = new Database(":memory:");
  open.push(db);
  migrate(db);
  const sql = prepareStatements(db)[statement].source;
  return db
    .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...params)
    .map((row) => row.detail);
}

describe("query plans", () => {
  it("a chunk of a bulk change comes straight from an index in list order: no row it skips, no sort", () => {
    expect(planOf("todosByDone", "u1", 0, 100)).toEqual(["SEARCH todos USING INDEX todos_user_done (user_id=? AND done=?)"]);
  });

  it("the cap's count reads an index only, never a row", () => {
    expect(planOf("todoCount", "u1")).toEqual([expect.stringMatching(/^SEARCH todos USING COVERING INDEX todos_user_\w+ \(user_id=\?\)$/)]);
  });

  it("the list comes from its index in order, without a sort, and so does each page of a long one", () => {
    expect(planOf("todosOf", "u1")).toEqual(["SEARCH todos USING INDEX todos_user_created (user_id=?)"]);
    expect(planOf("todosPage", "u1", "2026-01-01T00:00:00.000Z", 7, 500)).toEqual([
      "SEARCH todos USING INDEX todos_user_created (user_id=? AND (created_at,created_seq)>(?,?))",
    ]);
  });
});
