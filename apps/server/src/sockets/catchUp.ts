import { resyncMessage } from "@tandem/protocol";
import type { GatewaySocket, QueuedFilter } from "@tandem/gateway";
import type { TodoService } from "../todos/TodoService.js";
import type { TicketClaims } from "./tickets.js";

/**
 * Catch-up for a socket opened with `since=N`: replay the stored events with seq > N, then let the
 * gateway flush the live events that were queued meanwhile, minus those already replayed.
 *
 * Why this has no gap and no duplicate: the gateway queues live events for the socket from before
 * this function reads the log. An event committed before the read is in the log; one committed
 * after it is published after its commit, so it is in the queue. An event in both is dropped from
 * the queue by its seq.
 *
 * When N is older than the retained log, the socket gets one `resync` message instead: the client
 * refetches the list and follows live events from there.
 */
export async function catchUp(todos: Pick<TodoService, "changesSince">, socket: GatewaySocket<TicketClaims>): Promise<QueuedFilter | void> {
  const { userId, since } = socket.data;
  if (since === null) return;
  const { events, complete, seq } = await todos.changesSince(userId, since);
  let sent = since;
  if (!complete) {
    socket.send(JSON.stringify(resyncMessage(seq)));
    sent = seq;
  } else {
    for (const event of events) {
      socket.send(JSON.stringify(event));
      sent = event.meta.seq;
    }
  }
  // A queued message without a seq is not a change of the log (nothing replayed it): it passes.
  return (queued) => queued.seq === undefined || queued.seq > sent;
}
