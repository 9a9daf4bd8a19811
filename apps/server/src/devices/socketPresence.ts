import type { AccountEvents } from "./accountEvents.js";
import type { Presence } from "./Presence.js";

/**
 * A device is online while it has a socket open anywhere: each socket joins its device's presence
 * when it opens and leaves when it closes, and the user's sockets hear when the device comes
 * online or goes offline.
 *
 * A leave must follow its socket's join (with RedisPresence both are round trips). Only a join
 * still on its way is remembered, so an idle socket costs nothing here: the gateway's `onClose`
 * is what calls `closed`, not a chain of promises held for as long as the socket is open.
 */
export class SocketPresence {
  readonly #presence: Presence;
  readonly #events: Pick<AccountEvents, "rosterChanged">;
  readonly #failed: (err: unknown) => void;
  /** Socket id → its join, while that is pending. */
  readonly #joining = new Map<string, Promise<unknown>>();

  constructor(presence: Presence, events: Pick<AccountEvents, "rosterChanged">, failed: (err: unknown) => void) {
    this.#presence = presence;
    this.#events = events;
    this.#failed = failed;
  }

  opened(socketId: string, userId: string, deviceId: string): void {
    const joined = this.#presence
      .join(userId, deviceId)
      .then((first) => first && this.#events.rosterChanged(userId, "online", deviceId))
      .catch(this.#failed)
      .finally(() => this.#joining.delete(socketId));
    this.#joining.set(socketId, joined);
  }

  closed(socketId: string, userId: string, deviceId: string): void {
    const leave = () => this.#presence.leave(userId, deviceId);
    const joining = this.#joining.get(socketId);
    void (joining === undefined ? leave() : joining.then(leave))
      .then((last) => last && this.#events.rosterChanged(userId, "offline", deviceId))
      .catch(this.#failed);
  }

  /** Joins not yet settled (for tests). */
  get pendingJoins(): number {
    return this.#joining.size;
  }
}
