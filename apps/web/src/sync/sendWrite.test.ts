import { describe, expect, it } from "vitest";
import type { TodosApi, WriteOptions } from "../api/todosApi";
import type { PendingWrite } from "../state/pendingWrite";
import { makeTodo } from "../testing/fixtures";
import { createWriteSender } from "./sendWrite";

/** A TodosApi that records the options each write went out with. */
function recordingApi() {
  const sent: Array<[string, WriteOptions | undefined]> = [];
  const api: TodosApi = {
    list: async () => ({ todos: [], seq: 0 }),
    create: async (body, options) => (sent.push(["create", options]), { todo: makeTodo({ text: body.text }) }),
    update: async (_id, _body, options) => (sent.push(["update", options]), { todo: makeTodo() }),
    remove: async (_id, options) => void sent.push(["remove", options]),
    toggleAll: async (_body, options) => (sent.push(["toggleAll", options]), { todos: [], seq: 1 }),
    clearCompleted: async (options) => (sent.push(["clearCompleted", options]), { deleted: [], seq: 1 }),
  };
  return { api, sent };
}

describe("createWriteSender", () => {
  it("sends every kind of write with its key and the account it was made as; an edit with its base version", async () => {
    const { api, sent } = recordingApi();
    const send = createWriteSender(api, "user-ada");
    const writes: PendingWrite[] = [
      { kind: "create", writeId: "w-create", id: "t1", text: "a" },
      { kind: "update", writeId: "w-edit", id: "t1", patch: { text: "b" }, baseVersion: 3 },
      { kind: "update", writeId: "w-toggle", id: "t1", patch: { done: true } },
      { kind: "delete", writeId: "w-delete", id: "t1" },
      { kind: "toggleAll", writeId: "w-all", done: true },
      { kind: "clearCompleted", writeId: "w-clear" },
    ];
    for (const write of writes) await send(write);
    expect(sent).toEqual([
      ["create", { idempotencyKey: "w-create", madeAs: "user-ada" }],
      ["update", { idempotencyKey: "w-edit", madeAs: "user-ada", baseVersion: 3 }],
      ["update", { idempotencyKey: "w-toggle", madeAs: "user-ada" }],
      ["remove", { idempotencyKey: "w-delete", madeAs: "user-ada" }],
      ["toggleAll", { idempotencyKey: "w-all", madeAs: "user-ada" }],
      ["clearCompleted", { idempotencyKey: "w-clear", madeAs: "user-ada" }],
    ]);
  });
});
