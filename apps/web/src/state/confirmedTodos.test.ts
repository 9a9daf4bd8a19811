import { describe, expect, it } from "vitest";
import { makeTodo } from "../testing/fixtures";
import { deleteTodos, EMPTY_CONFIRMED, replaceWithSnapshot, sortedTodos, upsertTodos } from "./confirmedTodos";

describe("upsertTodos", () => {
  it("adds a new todo and replaces it only with a higher version", () => {
    const v1 = makeTodo({ text: "v1", version: 1 });
    const v2 = { ...v1, text: "v2", version: 2 };
    const copy = upsertTodos(upsertTodos(EMPTY_CONFIRMED, [v1]), [v2]);
    expect(copy.byId[v1.id]?.text).toBe("v2");
  });

  it("never lets an older or equal version overwrite a newer one (returns the same copy)", () => {
    const v3 = makeTodo({ text: "v3", version: 3 });
    const copy = upsertTodos(EMPTY_CONFIRMED, [v3]);
    expect(upsertTodos(copy, [{ ...v3, text: "v2", version: 2 }])).toBe(copy);
    expect(upsertTodos(copy, [{ ...v3, text: "same", version: 3 }])).toBe(copy);
    expect(copy.byId[v3.id]?.text).toBe("v3");
  });

  it("keeps the highest version when one batch lists a todo twice", () => {
    const todo = makeTodo({ version: 2 });
    const copy = upsertTodos(EMPTY_CONFIRMED, [todo, { ...todo, version: 5, text: "five" }, { ...todo, version: 4 }]);
    expect(copy.byId[todo.id]?.version).toBe(5);
  });

  it("does not revive a deleted todo", () => {
    const todo = makeTodo();
    const gone = deleteTodos(upsertTodos(EMPTY_CONFIRMED, [todo]), [todo.id]);
    expect(upsertTodos(gone, [{ ...todo, version: 9 }])).toBe(gone);
    expect(gone.byId[todo.id]).toBeUndefined();
  });
});

describe("deleteTodos", () => {
  it("removes the todo and remembers the id; deleting again changes nothing", () => {
    const todo = makeTodo();
    const gone = deleteTodos(upsertTodos(EMPTY_CONFIRMED, [todo]), [todo.id]);
    expect(gone.deleted[todo.id]).toBe(true);
    expect(deleteTodos(gone, [todo.id])).toBe(gone);
  });
});

describe("replaceWithSnapshot", () => {
  it("drops todos missing from the snapshot that were known before it was requested", () => {
    const kept = makeTodo();
    const removedElsewhere = makeTodo();
    const copy = upsertTodos(EMPTY_CONFIRMED, [kept, removedElsewhere]);
    const next = replaceWithSnapshot(copy, [kept], copy.revision);
    expect(Object.keys(next.byId)).toEqual([kept.id]);
    expect(next.deleted[removedElsewhere.id]).toBe(true);
  });

  it("keeps a todo written after the snapshot was requested, even if the snapshot lacks it", () => {
    const mark = EMPTY_CONFIRMED.revision;
    const createdMeanwhile = makeTodo();
    const copy = upsertTodos(EMPTY_CONFIRMED, [createdMeanwhile]);
    const next = replaceWithSnapshot(copy, [], mark);
    expect(next.byId[createdMeanwhile.id]).toEqual(createdMeanwhile);
  });

  it("keeps the newer of held and snapshot versions, and skips ids deleted meanwhile", () => {
    const todo = makeTodo({ version: 4, text: "newer" });
    const deletedMeanwhile = makeTodo();
    const copy = deleteTodos(upsertTodos(EMPTY_CONFIRMED, [todo]), [deletedMeanwhile.id]);
    const next = replaceWithSnapshot(copy, [{ ...todo, version: 3, text: "older" }, deletedMeanwhile], 0);
    expect(next.byId[todo.id]?.text).toBe("newer");
    expect(next.byId[deletedMeanwhile.id]).toBeUndefined();
  });
});

describe("sortedTodos", () => {
  it("lists oldest first, ties broken by id", () => {
    const at = "2026-01-01T00:00:00.000Z";
    const b = makeTodo({ id: "00000000-0000-4000-8000-00000000000b", createdAt: at });
    const a = makeTodo({ id: "00000000-0000-4000-8000-00000000000a", createdAt: at });
    const older = makeTodo({ createdAt: "2025-12-31T23:59:59.000Z" });
    expect(sortedTodos(upsertTodos(EMPTY_CONFIRMED, [b, a, older])).map((t) => t.id)).toEqual([older.id, a.id, b.id]);
  });
});
