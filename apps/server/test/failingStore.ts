import type { Store } from "../src/store/Store.js";
import type { TodoStorage } from "../src/store/TodoStorage.js";

/**
 * Wraps a store so that reads of the todo list fail with `failure()`, the first `times` times
 * (every time by default), as a failing disk or an unreachable database would. Everything else
 * passes through to the real store.
 */
export function failingTodoReads(failure: () => Error, times = Number.POSITIVE_INFINITY): (store: Store) => Store {
  return (store) => {
    let left = times;
    const todos: TodoStorage = {
      async read(userId, query) {
        if (left > 0) {
          left -= 1;
          throw failure();
        }
        return store.todos.read(userId, query);
      },
      change: (userId, select, decide) => store.todos.change(userId, select, decide),
    };
    return new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === "todos") return todos;
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  };
}
