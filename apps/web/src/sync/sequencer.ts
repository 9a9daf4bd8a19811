import { CHANGE_MESSAGE, RESYNC_MESSAGE, type DeviceId, type RelayedChangeEvent, type ServerMessage } from "@tandem/protocol";

/**
 * What to do with one message from the socket, given the last seq this client has accounted
 * for. `meta.seq` is the user's change counter, exactly one more per change, so:
 *
 * - a `resync` message: the server can no longer replay from our seq → refetch;
 * - a relayed event without a seq (a webhook producer's; only Tandem's store assigns seqs): it is
 *   not part of the counted sequence → apply it by `version` alone and leave the seq as it is;
 * - seq ≤ lastSeq: already seen (a replay overlapping what the snapshot had) → ignore;
 * - seq > lastSeq + 1: changes were missed → refetch the whole list;
 * - from this very tab (`object.device`): the change is already on screen, optimistically, and
 *   its HTTP answer reconciles it → skip it, but still count its seq;
 * - otherwise → apply it.
 */
export type Decision =
  | { action: "apply"; event: RelayedChangeEvent; seq: number }
  | { action: "applyUnsequenced"; event: RelayedChangeEvent }
  | { action: "skipOwn"; seq: number }
  | { action: "duplicate" }
  | { action: "refetch"; reason: "gap" | "resync" };

export function decide(message: ServerMessage, lastSeq: number, deviceId: DeviceId): Decision {
  switch (message.type) {
    case RESYNC_MESSAGE:
      return { action: "refetch", reason: "resync" };
    case CHANGE_MESSAGE: {
      const { seq } = message.meta;
      if (seq === undefined) return { action: "applyUnsequenced", event: message };
      if (seq <= lastSeq) return { action: "duplicate" };
      if (seq > lastSeq + 1) return { action: "refetch", reason: "gap" };
      if (message.object.device === deviceId) return { action: "skipOwn", seq };
      return { action: "apply", event: message, seq };
    }
  }
}
