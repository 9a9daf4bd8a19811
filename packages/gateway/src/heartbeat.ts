import { randomBytes } from "node:crypto";
import type { WebSocket } from "ws";

/**
 * How often a tick pings its share of the sockets. The sockets are split into one slice per tick
 * of the interval (250 slices at the 25 s default), so each is still pinged once per interval.
 */
export const HEARTBEAT_TICK_MS = 100;

/** At most this many slices: an interval longer than 100 s ticks less often rather than keep more. */
const MAX_SLICES = 1_000;

/** Random bytes each ping carries; its pong must echo them (RFC 6455 §5.5.3). */
const PING_PAYLOAD_BYTES = 8;

/**
 * Finds sockets whose peer is gone without a TCP FIN (a phone that lost its network, a laptop
 * that went to sleep) and keeps idle sockets looking busy to proxies in between.
 *
 * Each ping carries fresh random bytes, and only a pong that echoes them answers it. RFC 6455
 * lets a peer send pongs unasked, so without the payload a client that never reads (and so
 * never sees a ping) could stay connected by sending pongs of its own, while the data sent to
 * it piles up in buffers.
 *
 * One timer for the whole gateway, not one per socket, and the pings spread over the interval:
 * each tick pings one slice of the sockets and terminates those of the slice that did not answer
 * their previous ping, so a dead peer is dropped within two intervals. Pinging every socket on
 * one tick, as this did before, stalled the event loop for 30–45 ms at 5,000 sockets (and up to
 * ~120 ms with their pongs arriving back) once per interval, delaying every write and event
 * caught behind it. The timer only runs while there are sockets, and is `unref()`'d so that it
 * never keeps a process alive on its own.
 */
export class Heartbeat {
  readonly #tickMs: number;
  readonly #onDead: (ws: WebSocket) => void;
  /** The sockets pinged together on one tick; slice `i` on every `slices.length`-th tick. */
  readonly #slices: Set<WebSocket>[];
  /** Each socket's slice. */
  readonly #sliceOf = new Map<WebSocket, Set<WebSocket>>();
  /** Pinged and not answered yet, with the payload the answer must echo. */
  readonly #awaiting = new Map<WebSocket, Buffer>();
  /** One listener shared by every socket (`this` is the socket that answered), not one per socket. */
  readonly #onPong: (this: WebSocket, data: Buffer) => void;
  /** The slice the next tick pings, and where the search for the next socket's slice starts. */
  #nextTick = 0;
  #nextJoin = 0;
  #timer: NodeJS.Timeout | undefined;

  /** `onDead` is called (after the socket is forgotten) for a socket that missed its pong. */
  constructor(intervalMs: number, onDead: (ws: WebSocket) => void) {
    const slices = Math.min(MAX_SLICES, Math.max(1, Math.round(intervalMs / HEARTBEAT_TICK_MS)));
    this.#tickMs = intervalMs / slices;
    this.#slices = Array.from({ length: slices }, () => new Set<WebSocket>());
    this.#onDead = onDead;
    const awaiting = this.#awaiting;
    this.#onPong = function (this: WebSocket, data: Buffer) {
      if (awaiting.get(this)?.equals(data) === true) awaiting.delete(this);
    };
  }

  get size(): number {
    return this.#sliceOf.size;
  }

  add(ws: WebSocket): void {
    if (this.#sliceOf.has(ws)) return;
    ws.on("pong", this.#onPong);
    const slice = this.#smallestSlice();
    slice.add(ws);
    this.#sliceOf.set(ws, slice);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), this.#tickMs);
      this.#timer.unref();
    }
  }

  remove(ws: WebSocket): void {
    const slice = this.#sliceOf.get(ws);
    if (slice === undefined) return;
    slice.delete(ws);
    this.#sliceOf.delete(ws);
    this.#awaiting.delete(ws);
    ws.off("pong", this.#onPong);
    if (this.#sliceOf.size === 0) this.stop();
  }

  /**
   * The slice with the fewest sockets, searched from the one after the last joined, so that a
   * steady stream of connections goes round the slices in turn. Joining in turn regardless of size
   * would let a pattern of churn (every 250th connection the long-lived one) gather the sockets
   * that stay into one slice, and bring back the stall of pinging them all on one tick.
   */
  #smallestSlice(): Set<WebSocket> {
    const count = this.#slices.length;
    let best = this.#nextJoin;
    for (let step = 1; step < count; step++) {
      const i = (this.#nextJoin + step) % count;
      if (this.#slices[i]!.size < this.#slices[best]!.size) best = i;
    }
    this.#nextJoin = (best + 1) % count;
    return this.#slices[best]!;
  }

  /** Clears the timer; `add` starts it again. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const slice = this.#slices[this.#nextTick]!;
    this.#nextTick = (this.#nextTick + 1) % this.#slices.length;
    for (const ws of [...slice]) {
      if (this.#awaiting.has(ws)) {
        this.remove(ws);
        this.#onDead(ws);
        continue;
      }
      const payload = randomBytes(PING_PAYLOAD_BYTES);
      this.#awaiting.set(ws, payload);
      // Only OPEN sockets can be pinged; one that is closing has its own close timeout.
      if (ws.readyState === ws.OPEN) ws.ping(payload);
    }
  }
}
