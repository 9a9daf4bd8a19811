import { describe, expect, it } from "vitest";
import { TRIM_EVERY, trimThrough } from "./changeLog.js";
import { TodoService } from "./TodoService.js";
import { ChangeFeed } from "./ChangeFeed.js";
import { SqliteStore } from "../store/sqlite/SqliteStore.js";

describe("trimThrough", () => {
  it("trims only when a change crosses a multiple of TRIM_EVERY, keeping the newest `limit`", () => {
    expect(trimThrough(TRIM_EVERY - 2, TRIM_EVERY - 1, 5)).toBeUndefined();
    expect(trimThrough(TRIM_EVERY - 1, TRIM_EVERY, 5)).toBe(TRIM_EVERY - 5);
    // A batch that jumps over the multiple trims too.
    expect(trimThrough(TRIM_EVERY - 3, TRIM_EVERY + 4, 5)).toBe(TRIM_EVERY - 1);
    // Nothing to trim while the log is shorter than the limit.
    expect(trimThrough(TRIM_EVERY - 1, TRIM_EVERY, 1000)).toBeUndefined();
  });
});

describe("TodoService", () => {
  it("refuses a change log that could be trimmed empty (the newest change is the user's seq)", async () => {
    const store = new SqliteStore({ file: ":memory:" });
    await store.init();
    try {
      expect(() => new TodoService(store.todos, new ChangeFeed(() => {}), { changeLogLimit: 0 })).toThrow(RangeError);
    } finally {
      await store.close();
    }
  });
});
