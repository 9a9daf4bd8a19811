import type { TodosApi } from "../api/todosApi";
import type { PendingWrite, WriteResult } from "../state/pendingWrite";

/** Turns one outbox entry into its HTTP request, and the answer into what the app state reconciles. */
export function createWriteSender(api: TodosApi): (write: PendingWrite) => Promise<WriteResult> {
  return async (write) => {
    switch (write.kind) {
      case "create":
        // The client picks the id, so a retry after a lost answer finds the todo it already
        // created (200) instead of making a second one.
        return { kind: "saved", todos: [(await api.create({ id: write.id, text: write.text, ...(write.done ? { done: true } : {}) })).todo] };
      case "update":
        return { kind: "saved", todos: [(await api.update(write.id, write.patch)).todo] };
      case "delete":
        await api.remove(write.id);
        return { kind: "deleted", ids: [write.id] };
      case "toggleAll":
        return { kind: "saved", todos: (await api.toggleAll({ done: write.done })).todos };
      case "clearCompleted":
        return { kind: "deleted", ids: (await api.clearCompleted()).deleted };
    }
  };
}
