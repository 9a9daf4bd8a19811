import type { WebSocket } from "ws";

/**
 * Finds sockets whose peer is gone without a TCP FIN (a phone that lost its network, a laptop
 * that went to sleep) and keeps idle sockets looking busy to proxies in between.
 *
 * One interval for the whole gateway, not one timer per socket: every tick pings each socket and
 * terminates those that did not answer the previous tick's ping, so a dead peer is dropped within
 * two intervals. The interval only runs while there are sockets, and is `unref()`'d so that it
 * never keeps a process alive on its own.
 */
export class Heartbeat {
  readonly #intervalMs: number;
  readonly #onDead: (ws: WebSocket) => void;
  readonly #sockets = new Set<WebSocket>();
  /** Pinged and not answered yet. */
  readonly #awaiting = new Set<WebSocket>();
  /** One listener shared by every socket (`this` is the socket that answered), not one per socket. */
  readonly #onPong: (this: WebSocket) => void;
  #timer: NodeJS.Timeout | undefined;

  /** `onDead` is called (after the socket is forgotten) for a socket that missed its pong. */
  constructor(intervalMs: number, onDead: (ws: WebSocket) => void) {
    this.#intervalMs = intervalMs;
    this.#onDead = onDead;
    const awaiting = this.#awaiting;
    this.#onPong = function (this: WebSocket) {
      awaiting.delete(this);
    };
  }

  get size(): number {
    return this.#sockets.size;
  }

  add(ws: WebSocket): void {
    if (this.#sockets.has(ws)) return;
    ws.on("pong", this.#onPong);
    this.#sockets.add(ws);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
      this.#timer.unref();
    }
  }

  remove(ws: WebSocket): void {
    if (!this.#sockets.delete(ws)) return;
    this.#awaiting.delete(ws);
    ws.off("pong", this.#onPong);
    if (this.#sockets.size === 0) this.stop();
  }

  /** Clears the interval; `add` starts it again. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    for (const ws of [...this.#sockets]) {
      if (this.#awaiting.has(ws)) {
        this.remove(ws);
        this.#onDead(ws);
        continue;
      }
      this.#awaiting.add(ws);
      // Only OPEN sockets can be pinged; one that is closing has its own close timeout.
      if (ws.readyState === ws.OPEN) ws.ping();
    }
  }
}
