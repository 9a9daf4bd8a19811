import type { TodoStorage, TodoWrites } from "../store/TodoStorage.js";

/**
 * The outbox rule, once for every adapter: each event a change records is queued for each of the
 * user's enabled endpoints, in the change's own transaction, so a crash or restart can neither
 * lose a delivery nor invent one. The body is the event's JSON exactly as the socket relay sends
 * it (`relay.ts` serialises the same object the same way).
 *
 * Wraps a `TodoStorage`: the todos domain stays unaware of webhooks.
 */
export function withOutbox(storage: TodoStorage): TodoStorage {
  return {
    read: (userId, query) => storage.read(userId, query),
    change: (userId, select, decide) =>
      storage.change(userId, select, (state) => {
        const writes = decide(state);
        if (state.webhooks.length === 0 || writes.events.length === 0) return writes;
        return { ...writes, deliveries: queued(writes, state.webhooks) };
      }),
  };
}

function queued(writes: TodoWrites<unknown>, endpoints: readonly string[]) {
  const bodies = writes.events.map((event) => ({ seq: event.meta.seq, body: JSON.stringify(event) }));
  return endpoints.flatMap((endpointId) => bodies.map(({ seq, body }) => ({ endpointId, seq, body })));
}
