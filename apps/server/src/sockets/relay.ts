import type { Receivers, RelayedChangeEvent } from "@tandem/protocol";
import { userTag } from "./tags.js";

/** The part of the gateway the relay needs. */
export interface Sender {
  sendWithin(within: string, receivers: Receivers, text: string, seq?: number): number;
}

/**
 * The one way a change event reaches sockets, used by both the in-process change feed and the
 * webhook receiver. The event is serialized once and the same string goes to every socket.
 * It only ever reaches its owner's (`meta.userId`) sockets: without receivers all of them, with
 * receivers those of them the receivers name (`"*"` is all of them). Receivers narrow, never widen.
 *
 * @returns how many sockets on this instance it was sent to
 */
export function relay(gateway: Sender, event: RelayedChangeEvent, receivers?: Receivers): number {
  const owner = userTag(event.meta.userId);
  const to: Receivers = receivers ?? { sockets: [], tags: [owner] };
  return gateway.sendWithin(owner, to, JSON.stringify(event), event.meta.seq);
}
