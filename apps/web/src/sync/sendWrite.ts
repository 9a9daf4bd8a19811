import type { TodosApi } from "../api/todosApi";
import type { PendingWrite, WriteResult } from "../state/pendingWrite";

/**
 * Turns one outbox entry into its HTTP request, and the answer into what the app state reconciles.
 * Every write carries its `writeId` as its Idempotency-Key, so a retry after a lost answer is
 * answered with the first answer and applied once; a text edit carries the version it was based on.
 */
export function createWriteSender(api: TodosApi): (write: PendingWrite) => Promise<WriteResult> {
  return async (write) => {
    const idempotencyKey = write.writeId;
    switch (write.kind) {
      case "create":
        // The client picks the id too, so even a retry after the key was forgotten makes one todo.
        return { kind: "saved", todos: [(await api.create({ id: write.id, text: write.text, ...(write.done ? { done: true } : {}) }, { idempotencyKey })).todo] };
      case "update": {
        const base = write.baseVersion ?? undefined;
        const options = base === undefined ? { idempotencyKey } : { idempotencyKey, baseVersion: base };
        return { kind: "saved", todos: [(await api.update(write.id, write.patch, options)).todo] };
      }
      case "delete":
        await api.remove(write.id, { idempotencyKey });
        return { kind: "deleted", ids: [write.id] };
      case "toggleAll":
        return { kind: "saved", todos: (await api.toggleAll({ done: write.done }, { idempotencyKey })).todos };
      case "clearCompleted":
        return { kind: "deleted", ids: (await api.clearCompleted({ idempotencyKey })).deleted };
    }
  };
}
