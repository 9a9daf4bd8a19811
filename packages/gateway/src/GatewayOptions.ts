import type { IncomingMessage } from "node:http";
import { SOCKET_PATH } from "@tandem/protocol";
import type { Bus } from "./Bus.js";
import type { GatewaySocket } from "./GatewaySocket.js";
import type { Logger } from "./Logger.js";

/** The one path the gateway answers upgrades on; the client opens the same constant. */
export const DEFAULT_PATH = SOCKET_PATH;

/**
 * Largest frame a client may send. The protocol is server→client, so clients have nothing big to
 * say; a small cap bounds the memory one socket can make the server buffer. Bigger → close 1009.
 */
export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;

/**
 * Sockets one limit key may hold open at once: enough for a user's phone, laptop and a dozen
 * tabs, small enough that a runaway reconnect loop cannot exhaust the server. Over it → 429.
 */
export const DEFAULT_MAX_CONNECTIONS_PER_KEY = 20;

/**
 * Ping interval. Must stay well under 55 s: PaaS routers (Heroku's, for one) drop a WebSocket
 * that carries no data for 55 s, and many load balancers idle out at 60 s. 25 s also means a
 * vanished peer is found within 50 s.
 * https://devcenter.heroku.com/articles/websockets#timeouts
 */
export const DEFAULT_PING_INTERVAL_MS = 25_000;

/**
 * Bytes that may wait in a socket's send buffer. A client this far behind (a stalled tab, a
 * congested link) is closed with 1013 rather than let its buffer grow without bound; it
 * reconnects and catches up from storage, which is cheaper than buffering for it.
 */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * Messages that may wait for a socket whose `onOpen` catch-up is still running. Catch-up is a
 * few database reads; a queue this long means it is stuck, so the socket is closed with 1013.
 */
export const DEFAULT_MAX_QUEUED_MESSAGES = 10_000;

/**
 * Client messages allowed per second. Clients have nothing to send (the protocol is
 * server→client), so anything more than a trickle is a bug or abuse → close 1008.
 */
export const DEFAULT_MAX_INBOUND_PER_SECOND = 10;

/**
 * How long a socket the server closes may take to finish the closing handshake before it is
 * terminated. A stalled client never reads our close frame, so without this it would hold its
 * buffers for ws's 30 s default.
 */
export const DEFAULT_CLOSE_TIMEOUT_MS = 2_000;

/** `authenticate` accepts: the socket's tags and who it counts against. */
export type AuthGrant<TData> = {
  readonly ok: true;
  /** What the socket can be addressed by, e.g. `user:<id>`, `session:<id>`. */
  readonly tags: readonly string[];
  /** The socket's id, when the server already announced it (in a grant); random otherwise. */
  readonly id?: string;
  /** Whose connection budget the socket uses ({@link DEFAULT_MAX_CONNECTIONS_PER_KEY}); none if absent. */
  readonly limitKey?: string;
} & (undefined extends TData ? { readonly data?: TData } : { readonly data: TData });

/** `authenticate` refuses: the HTTP status and a short message for the response body. */
export interface AuthRefusal {
  readonly ok: false;
  /** 4xx or 5xx; anything else is answered as 500. */
  readonly status: number;
  readonly message: string;
}

export type AuthResult<TData = unknown> = AuthGrant<TData> | AuthRefusal;

/** A message queued for a socket while its `onOpen` ran, as a {@link QueuedFilter} sees it. */
export interface QueuedMessage {
  readonly text: string;
  /** The sequence number the sender gave it (`Gateway.send`'s `seq`), if any. */
  readonly seq: number | undefined;
}

/**
 * What `onOpen` may return: a filter for the messages that were queued while it ran, so a
 * message both replayed by catch-up and queued live is sent once. It reads the sender's `seq`
 * rather than parsing the text.
 */
export type QueuedFilter = (queued: QueuedMessage) => boolean;

export interface GatewayOptions<TData = unknown> {
  /**
   * Decides, from the upgrade request alone (cookies, a ticket in the query), whether a socket
   * may open. Runs before any WebSocket exists; a throw is answered with 500.
   */
  readonly authenticate: (req: IncomingMessage) => Promise<AuthResult<TData>>;
  /**
   * Called once a socket is open. While its promise is pending, messages addressed to the socket
   * are queued (what `socket.send` sends goes out at once): replay stored events with
   * `socket.send`, then resolve, and the queue is flushed, filtered by the returned function.
   * A rejection closes the socket with 1011.
   */
  readonly onOpen?: (socket: GatewaySocket<TData>) => Promise<QueuedFilter | void> | void;
  /**
   * Called once when a socket closes, however that happened (its close, a missed pong, shutdown),
   * after it left the gateway's index. Nothing is kept per socket for it: prefer it to chaining on
   * `socket.closed`, whose promise and reactions would stay in memory for as long as the socket is
   * open. A throw is logged.
   */
  readonly onClose?: (socket: GatewaySocket<TData>) => void;
  /** How instances reach each other's sockets. Default: a private {@link MemoryBus} (one instance). */
  readonly bus?: Bus;
  /** Default {@link DEFAULT_PATH}. */
  readonly path?: string;
  /** Default {@link DEFAULT_MAX_PAYLOAD_BYTES}. */
  readonly maxPayload?: number;
  /** Default {@link DEFAULT_MAX_CONNECTIONS_PER_KEY}. */
  readonly maxConnectionsPerKey?: number;
  /** Default {@link DEFAULT_PING_INTERVAL_MS}. */
  readonly pingIntervalMs?: number;
  /** Default {@link DEFAULT_MAX_BUFFERED_BYTES}. Also bounds the bytes queued during `onOpen`. */
  readonly maxBufferedBytes?: number;
  /** Default {@link DEFAULT_MAX_QUEUED_MESSAGES}. */
  readonly maxQueuedMessages?: number;
  /** Default {@link DEFAULT_MAX_INBOUND_PER_SECOND}. */
  readonly maxInboundPerSecond?: number;
  /** Default {@link DEFAULT_CLOSE_TIMEOUT_MS}. Also how long `shutdown` waits before terminating. */
  readonly closeTimeoutMs?: number;
  /** Default: silent. */
  readonly logger?: Logger;
}
