import type { TodosApi } from "../api/todosApi";
import type { PendingWrite, WriteResult } from "../state/pendingWrite";

/**
 * Turns one outbox entry of `userId`'s into its HTTP request, and the answer into what the app
 * state reconciles. Every write carries its `writeId` as its Idempotency-Key, so a retry after a
 * lost answer is answered with the first answer and applied once, and the account it was made as,
 * so it is never applied to another; a text edit carries the version it was based on.
 */
export function createWriteSender(api: TodosApi, userId: string): (write: PendingWrite) => Promise<WriteResult> {
  return async (write) => {
    const options = { idempotencyKey: write.writeId, madeAs: userId };
    switch (write.kind) {
      case "create":
        // The client picks the id too, so even a retry after the key was forgotten makes one todo.
        return { kind: "saved", todos: [(await api.create({ id: write.id, text: write.text, ...(write.done ? { done: true } : {}) }, options)).todo] };
      case "update": {
        const base = write.baseVersion ?? undefined;
        return { kind: "saved", todos: [(await api.update(write.id, write.patch, base === undefined ? options : { ...options, baseVersion: base })).todo] };
      }
      case "delete":
        await api.remove(write.id, options);
        return { kind: "deleted", ids: [write.id] };
      case "toggleAll":
        return { kind: "saved", todos: (await api.toggleAll({ done: write.done }, options)).todos };
      case "clearCompleted":
        return { kind: "deleted", ids: (await api.clearCompleted(options)).deleted };
    }
  };
}
