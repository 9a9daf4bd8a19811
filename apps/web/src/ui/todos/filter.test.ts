import { describe, expect, it } from "vitest";
import { filterFromHash, matchesFilter } from "./filter";

describe("filter routes", () => {
  it("reads the TodoMVC hash routes, defaulting to all", () => {
    expect(filterFromHash("#/active")).toBe("active");
    expect(filterFromHash("#/completed")).toBe("completed");
    for (const hash of ["", "#", "#/", "#/unknown"]) expect(filterFromHash(hash)).toBe("all");
  });

  it("matches items by done state", () => {
    const done = { id: "1", text: "a", done: true, pending: false, version: 1 };
    const open = { ...done, done: false };
    expect([matchesFilter(done, "all"), matchesFilter(open, "all")]).toEqual([true, true]);
    expect([matchesFilter(done, "active"), matchesFilter(open, "active")]).toEqual([false, true]);
    expect([matchesFilter(done, "completed"), matchesFilter(open, "completed")]).toEqual([true, false]);
  });
});
