import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { CloseCode } from "@tandem/protocol";
import { WebSocketServer, type WebSocket } from "ws";
import { admitUpgrade, type AdmissionChecks } from "./admission.js";
import type { Bus, BusMessage } from "./Bus.js";
import { ConnectionLimit } from "./connectionLimit.js";
import {
  DEFAULT_MAX_CONNECTIONS_PER_KEY,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_PATH,
  DEFAULT_PING_INTERVAL_MS,
  type AuthGrant,
  type GatewayOptions,
} from "./GatewayOptions.js";
import { LocalSocket, outbound, socketLimitsOf, type Outbound, type SocketLimits } from "./GatewaySocket.js";
import { Heartbeat } from "./heartbeat.js";
import { silentLogger, type Logger } from "./Logger.js";
import { MemoryBus } from "./MemoryBus.js";
import { EVERY_SOCKET, ReceiverIndex, normalizeReceivers, type ReceiversInput } from "./receivers.js";
import { listenTo, socketListeners, type SocketListeners } from "./socketListeners.js";
import type { GatewayStats } from "./GatewayStats.js";
import { pathOf, rejectUpgrade } from "./upgrade.js";

/**
 * Builds a gateway; it accepts nothing until {@link Gateway.attach} hooks it to an HTTP server.
 * Subscribes to the bus at once.
 */
export function createGateway<TData = unknown>(options: GatewayOptions<TData>): Gateway<TData> {
  return new Gateway(options);
}

/**
 * WebSocket fan-out for one server instance: authenticates upgrades, indexes sockets by id and
 * tag, sends each message to the matching sockets here and (through the bus) on every other
 * instance, and sheds sockets that are dead, too slow, or abusive.
 */
export class Gateway<TData = unknown> {
  /** Tags this instance's bus messages, so it can ignore its own when they come back. */
  readonly instanceId = randomUUID();
  readonly #onOpen: GatewayOptions<TData>["onOpen"];
  readonly #onClose: GatewayOptions<TData>["onClose"];
  readonly #bus: Bus;
  readonly #path: string;
  readonly #limits: SocketLimits;
  readonly #logger: Logger;
  readonly #wss: WebSocketServer;
  readonly #index = new ReceiverIndex<LocalSocket<TData>>();
  readonly #connectionLimit: ConnectionLimit;
  readonly #admission: AdmissionChecks<TData>;
  readonly #heartbeat: Heartbeat;
  readonly #sockets = new Map<WebSocket, LocalSocket<TData>>();
  readonly #wsListeners: SocketListeners;
  readonly #detachers = new Map<Server, () => void>();
  /** One listener for every upgrading socket, not a closure each. */
  readonly #onUpgradeSocketError = (err: Error): void => this.#logger.debug({ err }, "upgrade socket error");
  #unsubscribeBus: (() => void) | undefined;
  #unsubscribeBusState: (() => void) | undefined;
  #shutdown: Promise<void> | undefined;

  constructor(options: GatewayOptions<TData>) {
    this.#onOpen = options.onOpen;
    this.#onClose = options.onClose;
    this.#bus = options.bus ?? new MemoryBus();
    this.#path = options.path ?? DEFAULT_PATH;
    this.#logger = options.logger ?? silentLogger;
    this.#limits = socketLimitsOf(options);
    this.#connectionLimit = new ConnectionLimit(options.maxConnectionsPerKey ?? DEFAULT_MAX_CONNECTIONS_PER_KEY);
    this.#admission = {
      authenticate: options.authenticate,
      accepting: () => this.accepting,
      shuttingDown: () => this.#shutdown !== undefined,
      isOpen: (id) => this.#index.has(id),
      connectionLimit: this.#connectionLimit,
      logger: this.#logger,
    };
    this.#wss = new WebSocketServer({
      noServer: true,
      // We track sockets ourselves (by id and tag); ws's own Set would be a second copy.
      clientTracking: false,
      // Compression costs a zlib context per socket and a compression per socket per message,
      // which defeats encoding each message once; our messages are small JSON anyway.
      perMessageDeflate: false,
      maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD_BYTES,
    });
    this.#heartbeat = new Heartbeat(options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS, (ws) => {
      const socket = this.#sockets.get(ws);
      this.#logger.debug({ socketId: socket?.id }, "socket missed its pong, terminating");
      if (socket !== undefined) socket.terminate();
      else ws.terminate();
    });
    this.#wsListeners = socketListeners(
      (ws) => this.#sockets.get(ws),
      (ws, code) => this.#closed(ws, code),
    );
    this.#unsubscribeBus = this.#bus.subscribe((message) => this.#onBusMessage(message));
    this.#unsubscribeBusState = this.#bus.onStateChange((healthy) => this.#onBusState(healthy));
  }

  /** Sockets open on this instance. */
  get socketCount(): number {
    return this.#index.size;
  }

  /** Whether an upgrade would be accepted now. */
  get accepting(): boolean {
    return this.#shutdown === undefined && this.#bus.healthy;
  }

  /**
   * Answers upgrades on the gateway's path. Upgrades on other paths are left to the server's
   * other `upgrade` listeners, or answered 404 if there are none (otherwise they would hang).
   * Returns a function that detaches the gateway again.
   */
  attach(server: Server): () => void {
    const existing = this.#detachers.get(server);
    if (existing !== undefined) return existing;
    const listener = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      if (pathOf(req.url) !== this.#path) {
        if (server.listenerCount("upgrade") <= 1) rejectUpgrade(socket, 404, "not found");
        return;
      }
      this.#upgrade(req, socket, head).catch((err: unknown) => {
        // A bug of ours, not the client's: log it loudly, and do not leave the client hanging.
        this.#logger.error({ err }, "upgrade failed");
        rejectUpgrade(socket, 500, "internal error");
      });
    };
    server.on("upgrade", listener);
    const detach = (): void => {
      server.off("upgrade", listener);
      this.#detachers.delete(server);
    };
    this.#detachers.set(server, detach);
    return detach;
  }

  /**
   * Sends `text` (already serialized: it goes out as is, encoded once) to the matching sockets of
   * this instance now, and to those of other instances through the bus. `seq`, when the
   * application numbers its messages, travels with it to the filter `onOpen` returns. Returns how
   * many sockets of this instance accepted it (a socket whose catch-up is running counts: it is
   * queued).
   */
  send(receivers: ReceiversInput, text: string, seq?: number): number {
    return this.#send(receivers, undefined, text, seq);
  }

  /**
   * {@link Gateway.send}, but only to sockets that also carry the tag `within` (say `user:42`),
   * on this instance and on every other: `receivers` narrow delivery inside that group and can
   * never widen it, whatever ids or tags they name (`"*"` is every socket of the group).
   */
  sendWithin(within: string, receivers: ReceiversInput, text: string, seq?: number): number {
    return this.#send(receivers, within, text, seq);
  }

  #send(receivers: ReceiversInput, within: string | undefined, text: string, seq: number | undefined): number {
    const delivered = this.#deliver(receivers, within, outbound(text, seq));
    this.#bus.publish({
      type: "send",
      origin: this.instanceId,
      receivers: normalizeReceivers(receivers),
      ...(within === undefined ? {} : { within }),
      text,
      ...(seq === undefined ? {} : { seq }),
    });
    return delivered;
  }

  /**
   * Closes the matching sockets of this instance and, through the bus, of every instance (for
   * example a signed-out session's sockets with {@link CloseCode.SIGNED_OUT}). Returns how many
   * sockets of this instance it closed.
   */
  close(receivers: ReceiversInput, code: CloseCode, reason = ""): number {
    const closed = this.#closeMatching(receivers, code, reason);
    this.#bus.publish({
      type: "close",
      origin: this.instanceId,
      receivers: normalizeReceivers(receivers),
      code,
      reason,
    });
    return closed;
  }

  /** This instance's sockets and whether it accepts new ones, for health checks and logs. */
  stats(): GatewayStats {
    return {
      sockets: this.#index.size,
      keys: this.#connectionLimit.keys,
      tags: this.#index.tagCount,
      bus: { kind: this.#bus.kind, healthy: this.#bus.healthy },
      accepting: this.accepting,
    };
  }

  /**
   * Refuses new upgrades (503), closes every socket with `code`, and resolves once all are closed
   * (stragglers are terminated after the close timeout). Stops the heartbeat and leaves the bus,
   * but does not close it: the bus belongs to the application. Idempotent. The gateway stays
   * attached so that late upgrades get a clear 503; the HTTP server is the caller's to close.
   */
  shutdown(code: CloseCode = CloseCode.SERVICE_RESTART, reason = "server restarting"): Promise<void> {
    this.#shutdown ??= this.#stop(code, reason);
    return this.#shutdown;
  }

  async #stop(code: CloseCode, reason: string): Promise<void> {
    this.#unsubscribeBus?.();
    this.#unsubscribeBusState?.();
    this.#unsubscribeBus = undefined;
    this.#unsubscribeBusState = undefined;
    const sockets = [...this.#index.all()];
    this.#logger.info({ sockets: sockets.length, code }, "gateway shutting down");
    for (const socket of sockets) socket.close(code, reason);
    await Promise.all(sockets.map((socket) => socket.closed));
    this.#heartbeat.stop();
    this.#wss.close();
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // Until ws owns the socket, a client reset would otherwise be an unhandled 'error' event.
    socket.on("error", this.#onUpgradeSocketError);
    const admitted = await admitUpgrade(req, socket, this.#admission);
    if (admitted === undefined) return;
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      // ws has its own 'error' listener on the socket by now; ours would only be kept per socket.
      socket.off("error", this.#onUpgradeSocketError);
      this.#open(ws, admitted.id, admitted.grant);
    });
  }

  #open(ws: WebSocket, id: string, grant: AuthGrant<TData>): void {
    // AuthGrant makes `data` required unless TData admits undefined, so an absent `data` is a
    // valid TData; TypeScript cannot see through that conditional type for a generic TData.
    const data = grant.data as TData;
    const socket = new LocalSocket<TData>({ id, tags: grant.tags, data, ws }, this.#limits, this.#logger);
    this.#index.add(socket);
    this.#sockets.set(ws, socket);
    this.#heartbeat.add(ws);
    listenTo(ws, this.#wsListeners);
    this.#logger.debug({ socketId: id, tags: grant.tags }, "socket opened");
    if (this.#onOpen !== undefined) socket.runOpenHook(this.#onOpen);
  }

  #closed(ws: WebSocket, code: number): void {
    const socket = this.#sockets.get(ws);
    if (socket === undefined) return;
    socket.wsClosed();
    this.#index.remove(socket);
    this.#sockets.delete(ws);
    this.#heartbeat.remove(ws);
    this.#logger.debug({ socketId: socket.id, code }, "socket closed");
    try {
      this.#onClose?.(socket);
    } catch (err) {
      this.#logger.error({ err, socketId: socket.id }, "onClose threw");
    }
  }

  #deliver(receivers: ReceiversInput, within: string | undefined, message: Outbound): number {
    let delivered = 0;
    for (const socket of this.#index.match(receivers, within)) {
      if (socket.deliver(message)) delivered += 1;
    }
    return delivered;
  }

  #closeMatching(receivers: ReceiversInput, code: CloseCode, reason: string): number {
    let closed = 0;
    for (const socket of this.#index.match(receivers)) {
      if (!socket.isOpen) continue;
      socket.close(code, reason);
      closed += 1;
    }
    return closed;
  }

  #onBusMessage(message: BusMessage): void {
    // This instance delivered to its own sockets when it published.
    if (message.origin === this.instanceId) return;
    if (message.type === "send") this.#deliver(message.receivers, message.within, outbound(message.text, message.seq));
    else this.#closeMatching(message.receivers, message.code, message.reason);
  }

  #onBusState(healthy: boolean): void {
    if (healthy) {
      this.#logger.info({ bus: this.#bus.kind }, "bus healthy, accepting sockets again");
      return;
    }
    // Messages from other instances would be missed from now on without anyone knowing. Closing
    // makes clients reconnect (refused with 503 until the bus is back) and catch up from storage.
    this.#logger.warn({ bus: this.#bus.kind, sockets: this.#index.size }, "bus unhealthy, closing all sockets");
    this.#closeMatching({ sockets: [EVERY_SOCKET] }, CloseCode.TRY_AGAIN_LATER, "temporarily unavailable");
  }
}
