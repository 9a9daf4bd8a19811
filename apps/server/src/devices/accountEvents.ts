import type { DeviceChange, SignOutReason } from "@tandem/protocol";
import type { Credential } from "../sockets/tags.js";

/**
 * What the account rules tell the socket side: a credential stopped being valid (its sockets
 * close with 4001 and `reason`, on every instance), a session moved to a new id (its sockets close
 * with 4002 and reconnect), or a user's roster changed (their sockets get a `devices` message).
 * The rules never touch sockets themselves; app.ts wires these to the gateway.
 */
export interface AccountEvents {
  revoked(credential: Credential, reason: SignOutReason): void;
  renewed(sessionId: string): void;
  rosterChanged(userId: string, change: DeviceChange, deviceId: string): void;
  /** The account is gone: every socket of the user closes with 4001. */
  accountDeleted(userId: string): void;
}
