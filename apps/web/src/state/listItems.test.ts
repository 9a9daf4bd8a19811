import { describe, expect, it } from "vitest";
import { makeTodo } from "../testing/fixtures";
import { EMPTY_CONFIRMED, upsertTodos } from "./confirmedTodos";
import type { PendingWrite } from "./pendingWrite";
import { buildListItems } from "./listItems";

describe("buildListItems", () => {
  const milk = makeTodo({ text: "milk" });
  const eggs = makeTodo({ text: "eggs", done: true });
  const confirmed = upsertTodos(EMPTY_CONFIRMED, [milk, eggs]);

  it("lays pending writes over the confirmed list, in order, marking what they touch", () => {
    const pending: PendingWrite[] = [
      { kind: "create", writeId: "w1", id: "00000000-0000-4000-8000-0000000000c1", text: "bread" },
      { kind: "update", writeId: "w2", id: milk.id, patch: { text: "oat milk" } },
      { kind: "delete", writeId: "w3", id: eggs.id },
    ];
    expect(buildListItems(confirmed, pending)).toEqual([
      { id: milk.id, text: "oat milk", done: false, pending: true, version: milk.version },
      { id: "00000000-0000-4000-8000-0000000000c1", text: "bread", done: false, pending: true, version: null },
    ]);
  });

  it("applies toggle-all and clear-completed to whatever is listed at that point", () => {
    const items = buildListItems(confirmed, [
      { kind: "toggleAll", writeId: "w1", done: true },
      { kind: "clearCompleted", writeId: "w2" },
    ]);
    expect(items).toEqual([]);
  });

  it("does not duplicate a create the server already confirmed", () => {
    const items = buildListItems(confirmed, [{ kind: "create", writeId: "w1", id: milk.id, text: "milk" }]);
    expect(items.map((item) => item.id)).toEqual([milk.id, eggs.id]);
  });

  it("reuses unchanged item objects so memoised items skip re-rendering", () => {
    const before = buildListItems(confirmed, []);
    const after = buildListItems(upsertTodos(confirmed, [{ ...milk, version: 2, text: "soy milk" }]), [], before);
    expect(after[1]).toBe(before[1]);
    expect(after[0]).not.toBe(before[0]);
  });
});
