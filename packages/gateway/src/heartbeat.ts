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
  /** Whether each socket has answered since the last ping, and the pong listener to remove. */
  readonly #sockets = new Map<WebSocket, { alive: boolean; onPong: () => void }>();
  #timer: NodeJS.Timeout | undefined;

  /** `onDead` is called (after the socket is forgotten) for a socket that missed its pong. */
  constructor(intervalMs: number, onDead: (ws: WebSocket) => void) {
    this.#intervalMs = intervalMs;
    this.#onDead = onDead;
  }

  get size(): number {
    return this.#sockets.size;
  }

  add(ws: WebSocket): void {
    if (this.#sockets.has(ws)) return;
    const entry = { alive: true, onPong: () => void 0 };
    entry.onPong = () => {
      entry.alive = true;
    };
    ws.on("pong", entry.onPong);
    this.#sockets.set(ws, entry);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
      this.#timer.unref();
    }
  }

  remove(ws: WebSocket): void {
    const entry = this.#sockets.get(ws);
    if (entry === undefined) return;
    ws.off("pong", entry.onPong);
    this.#sockets.delete(ws);
    if (this.#sockets.size === 0) this.stop();
  }

  /** Clears the interval; `add` starts it again. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    for (const [ws, entry] of [...this.#sockets]) {
      if (!entry.alive) {
        this.remove(ws);
        this.#onDead(ws);
        continue;
      }
      entry.alive = false;
      // Only OPEN sockets can be pinged; one that is closing has its own close timeout.
      if (ws.readyState === ws.OPEN) ws.ping();
    }
  }
}
