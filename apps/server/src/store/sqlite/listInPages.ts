import { setImmediate as nextTurn } from "node:timers/promises";
import type { ChangeEvent, Seq } from "@tandem/protocol";
import type { TodoRecord, TodoSnapshot } from "../TodoStorage.js";
import { fromLogEntry } from "./changeLogEntry.js";
import type { SqliteConnection } from "./connection.js";
import { toTodoRecord } from "./statements.js";

/**
 * Rows per page of a long list: a millisecond or so of reading. At TODOS_MAX_PER_USER (5,000
 * todos of 1,000 characters) the whole list in one statement held the event loop for 10–15 ms.
 */
export const LIST_PAGE_ROWS = 500;
/** How many times a paged read starts over because the user changed a todo meanwhile. */
const PAGED_READ_TRIES = 3;

/**
 * A user's list (and their log after `eventsAfter`, when asked) read a page at a time, each page
 * a read of its own, with a turn of the event loop between pages. The pages are one snapshot when
 * the user's seq is the same in each: every change of a user takes their next seq in the
 * transaction that writes it, so an unchanged seq means no todo of theirs changed in between.
 * When it moved, the read starts over; null when it kept moving (the caller then reads the list
 * in one go). A list of less than a page is one read, as before.
 */
export async function readListInPages(connection: SqliteConnection, userId: string, eventsAfter: Seq | undefined): Promise<TodoSnapshot | null> {
  for (let attempt = 0; attempt < PAGED_READ_TRIES; attempt++) {
    let seq: Seq | undefined;
    const todos: TodoRecord[] = [];
    let after: [createdAt: string, createdSeq: number] = ["", 0];
    for (;;) {
      const page = connection.read(() => {
        const s = connection.statements;
        const pageSeq = s.userSeq.get(userId) ?? 0;
        const rows = s.todosPage.all(userId, after[0], after[1], LIST_PAGE_ROWS);
        const last = rows.length < LIST_PAGE_ROWS;
        // The log goes with the last page, from the same snapshot.
        const events: ChangeEvent[] =
          last && eventsAfter !== undefined && eventsAfter < pageSeq
            ? s.eventsAfter.all(userId, eventsAfter).map((row) => fromLogEntry(userId, row.seq, row.entry))
            : [];
        return { pageSeq, rows, last, events };
      });
      if (seq !== undefined && page.pageSeq !== seq) break;
      seq = page.pageSeq;
      for (const row of page.rows) todos.push(toTodoRecord(row));
      if (page.last) return { seq, todos, events: page.events };
      const lastRow = page.rows[page.rows.length - 1];
      if (lastRow === undefined) throw new Error("a full page has a last row");
      after = [lastRow.created_at, lastRow.created_seq];
      await nextTurn();
    }
  }
  return null;
}
