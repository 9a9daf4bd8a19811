import { CloseCode } from "@tandem/protocol";
import type { WebSocket } from "ws";
import {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_INBOUND_PER_SECOND,
  DEFAULT_MAX_QUEUED_MESSAGES,
  type GatewayOptions,
  type QueuedFilter,
  type QueuedMessage,
} from "./GatewayOptions.js";
import type { Logger } from "./Logger.js";

/** A connected socket, as the application sees it (in `onOpen`). */
export interface GatewaySocket<TData = unknown> {
  readonly id: string;
  readonly tags: readonly string[];
  /** Whatever `authenticate` attached (the user, the session...). */
  readonly data: TData;
  /**
   * Sends now, even while `onOpen` is pending (that is how catch-up goes out ahead of the
   * queue). Returns false if the socket is closing or was closed for being too far behind.
   */
  send(text: string): boolean;
  /** Starts the closing handshake; the socket is terminated if it does not complete in time. */
  close(code: CloseCode, reason?: string): void;
  /** Resolves when the socket is closed, however that happened (a close, a missed pong, shutdown). */
  readonly closed: Promise<void>;
}

/** A message on its way to many sockets: encoded once, then the same bytes go to each. */
export interface Outbound extends QueuedMessage {
  readonly payload: Buffer;
}

export function outbound(text: string, seq: number | undefined): Outbound {
  return { text, seq, payload: Buffer.from(text, "utf8") };
}

export interface SocketLimits {
  readonly maxBufferedBytes: number;
  readonly maxQueuedMessages: number;
  readonly maxInboundPerSecond: number;
  readonly closeTimeoutMs: number;
}

/** The per-socket limits `options` set, each defaulted. */
export function socketLimitsOf(
  options: Pick<GatewayOptions, "maxBufferedBytes" | "maxQueuedMessages" | "maxInboundPerSecond" | "closeTimeoutMs">,
): SocketLimits {
  return {
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    maxQueuedMessages: options.maxQueuedMessages ?? DEFAULT_MAX_QUEUED_MESSAGES,
    maxInboundPerSecond: options.maxInboundPerSecond ?? DEFAULT_MAX_INBOUND_PER_SECOND,
    closeTimeoutMs: options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS,
  };
}

/** RFC 6455 §5.5: a control frame's payload is at most 125 bytes, 2 of which are the code. */
const MAX_REASON_BYTES = 123;

/**
 * One socket connected to this instance: the queue that holds live messages while catch-up
 * runs, the send-buffer check that sheds slow consumers, the inbound rate limit, and a close
 * that always ends (terminate after a timeout).
 */
export class LocalSocket<TData> implements GatewaySocket<TData> {
  readonly id: string;
  readonly tags: readonly string[];
  readonly data: TData;
  readonly #ws: WebSocket;
  /** Made on first use: only a shutdown waits for it, so most sockets never need one. */
  #closed: Promise<void> | undefined;
  readonly #limits: SocketLimits;
  readonly #logger: Logger;
  /** Defined while `onOpen` is pending: the messages that arrived meanwhile, in order. */
  #queue: Outbound[] | undefined;
  #queuedBytes = 0;
  #closing = false;
  #closeTimer: NodeJS.Timeout | undefined;
  #inboundWindowStart = 0;
  #inboundCount = 0;

  constructor(
    init: { id: string; tags: readonly string[]; data: TData; ws: WebSocket },
    limits: SocketLimits,
    logger: Logger,
  ) {
    this.id = init.id;
    this.tags = Object.freeze([...init.tags]);
    this.data = init.data;
    this.#ws = init.ws;
    this.#limits = limits;
    this.#logger = logger;
  }

  /*
   * The WebSocket's events reach a socket through the gateway's listeners, shared by every socket
   * (see Gateway), rather than through closures of its own: those would be kept per open socket.
   */

  /** The WebSocket closed. */
  wsClosed(): void {
    if (this.#closeTimer !== undefined) clearTimeout(this.#closeTimer);
    this.#closing = true;
    this.#queue = undefined;
  }

  /** A client message arrived: it carries nothing the server acts on, so it is only counted. */
  wsMessage(): void {
    this.#countInbound();
  }

  /** A protocol error (an oversized frame: ws closes with 1009 itself) or a socket reset. */
  wsError(err: Error): void {
    this.#logger.debug({ err, socketId: this.id }, "socket error");
  }

  /** Resolves when the underlying socket is closed, however that happened. */
  get closed(): Promise<void> {
    // ws marks the socket CLOSED just before it emits 'close': from then on there is nothing to wait for.
    if (this.#ws.readyState === this.#ws.CLOSED) return Promise.resolve();
    this.#closed ??= new Promise((resolve) => this.#ws.once("close", () => resolve()));
    return this.#closed;
  }

  /** True while the socket can still be sent to. */
  get isOpen(): boolean {
    return !this.#closing && this.#ws.readyState === this.#ws.OPEN;
  }

  send(text: string): boolean {
    return this.isOpen && this.#write(text);
  }

  /**
   * A message from the fan-out: queued while `onOpen` is pending, sent otherwise. Returns whether
   * it was accepted; never blocks (ws buffers it), so one slow socket does not delay the others.
   */
  deliver(message: Outbound): boolean {
    if (!this.isOpen) return false;
    if (this.#queue === undefined) return this.#write(message.payload);
    if (
      this.#queue.length >= this.#limits.maxQueuedMessages ||
      this.#queuedBytes + message.payload.length > this.#limits.maxBufferedBytes
    ) {
      this.#logger.warn({ socketId: this.id, queued: this.#queue.length }, "catch-up queue full, closing socket");
      this.close(CloseCode.TRY_AGAIN_LATER, "catch-up took too long");
      return false;
    }
    this.#queue.push(message);
    this.#queuedBytes += message.payload.length;
    return true;
  }

  /**
   * Runs the application's `onOpen` for this socket, queueing fan-out messages from before it
   * runs until it is done, so none falls between its reads and going live; then sends what was
   * queued (filtered by what it returned). If it fails, the socket closes with 1011.
   */
  runOpenHook(onOpen: NonNullable<GatewayOptions<TData>["onOpen"]>): void {
    if (this.isOpen) this.#queue ??= [];
    const fail = (err: unknown): void => {
      this.#logger.error({ err, socketId: this.id }, "onOpen failed, closing socket");
      this.close(CloseCode.INTERNAL_ERROR, "internal error");
    };
    try {
      const result = onOpen(this);
      if (result === undefined) this.#goLive();
      else result.then((filter) => this.#goLive(typeof filter === "function" ? filter : undefined), fail);
    } catch (err) {
      fail(err);
    }
  }

  /** Sends what was queued (in order, filtered) and sends directly from then on. */
  #goLive(filter?: QueuedFilter): void {
    const queue = this.#queue;
    this.#queue = undefined;
    this.#queuedBytes = 0;
    if (queue === undefined) return;
    for (const message of queue) {
      if (!this.isOpen) return;
      let keep = true;
      try {
        keep = filter === undefined || filter(message);
      } catch (err) {
        this.#logger.error({ err, socketId: this.id }, "queued-message filter threw, closing socket");
        this.close(CloseCode.INTERNAL_ERROR, "internal error");
        return;
      }
      if (keep) this.#write(message.payload);
    }
  }

  close(code: CloseCode, reason = ""): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#queue = undefined;
    if (this.#ws.readyState === this.#ws.CLOSED) return;
    this.#ws.close(code, truncateReason(reason));
    // The close frame waits behind everything already buffered; a peer that stopped reading will
    // never see it, so stop waiting for its answer after a while.
    this.#closeTimer = setTimeout(() => this.#ws.terminate(), this.#limits.closeTimeoutMs);
    this.#closeTimer.unref();
  }

  /** Drops the socket at once, without a closing handshake (a dead peer). */
  terminate(): void {
    this.#closing = true;
    this.#queue = undefined;
    this.#ws.terminate();
  }

  #write(data: Buffer | string): boolean {
    // bufferedAmount = bytes ws and the TCP stream hold that the kernel has not taken yet. It
    // grows only when the peer reads slower than we write.
    if (this.#ws.bufferedAmount > this.#limits.maxBufferedBytes) {
      this.#logger.warn(
        { socketId: this.id, bufferedAmount: this.#ws.bufferedAmount },
        "slow consumer, closing socket",
      );
      this.close(CloseCode.TRY_AGAIN_LATER, "too far behind");
      return false;
    }
    this.#ws.send(data, { binary: false });
    return true;
  }

  #countInbound(): void {
    // What arrives after the close began (a flood is still on the wire) is neither counted nor
    // logged again: one warning per socket, not one per message.
    if (this.#closing) return;
    const now = Date.now();
    if (now - this.#inboundWindowStart >= 1000) {
      this.#inboundWindowStart = now;
      this.#inboundCount = 0;
    }
    this.#inboundCount += 1;
    if (this.#inboundCount > this.#limits.maxInboundPerSecond) {
      this.#logger.warn({ socketId: this.id }, "client flooded the socket, closing it");
      this.close(CloseCode.POLICY_VIOLATION, "too many messages");
    }
  }
}

/** ws throws on a close reason over 123 bytes; cut on a character boundary instead. */
function truncateReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_REASON_BYTES) return reason;
  let cut = reason;
  while (Buffer.byteLength(cut) > MAX_REASON_BYTES) cut = cut.slice(0, -1);
  // Do not leave half of a surrogate pair behind.
  return cut.replace(/[\uD800-\uDBFF]$/, "");
}
