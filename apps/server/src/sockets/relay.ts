import type { ChangeEvent, Receivers } from "@tandem/protocol";
import { userTag } from "./tags.js";

/** The part of the gateway the relay needs. */
export interface Sender {
  send(receivers: Receivers, text: string, seq?: number): number;
}

/**
 * The one way a change event reaches sockets, used by both the in-process change feed and the
 * webhook receiver. The event is serialized once and the same string goes to every socket.
 * Without explicit receivers an event goes to its owner's sockets only.
 *
 * @returns how many sockets on this instance it was sent to
 */
export function relay(gateway: Sender, event: ChangeEvent, receivers?: Receivers): number {
  const to: Receivers = receivers ?? { sockets: [], tags: [userTag(event.meta.userId)] };
  return gateway.send(to, JSON.stringify(event), event.meta.seq);
}
