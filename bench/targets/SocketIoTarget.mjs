import { io } from "socket.io-client";
import { writeIdOfText } from "../lib/writeIds.mjs";
import { PeerTarget, userId } from "./PeerTarget.mjs";

/**
 * The Socket.IO peer (`servers/socketioPeer.mjs`) and its clients: `socket.io-client` 4 over the
 * WebSocket transport only (no long-polling first, no upgrade dance), no reconnection, no
 * compression. Events arrive already parsed by the client library, as an application gets them.
 */
export class SocketIoTarget extends PeerTarget {
  /** @param {Omit<ConstructorParameters<typeof PeerTarget>[0], "name" | "script">} options */
  constructor(options) {
    super({ ...options, name: "socketio", script: "socketioPeer.mjs" });
    /** @type {import("socket.io-client").Socket[]} */
    this.clients = [];
  }

  /** @param {number} u @param {number} d */
  openDevice(u, d) {
    /** @type {Promise<void>} */
    const opened = new Promise((resolve, reject) => {
      const socket = io(this.serverOf(d).url, {
        transports: ["websocket"],
        forceNew: true,
        reconnection: false,
        // Off, as everywhere in the benchmark. The client's typings only admit an options object,
        // but `false` is passed through to `ws`, which then offers no compression at all.
        perMessageDeflate: /** @type {{ threshold: number }} */ (/** @type {unknown} */ (false)),
        timeout: 20_000,
        auth: { user: userId(u) },
      });
      socket.on("change", (/** @type {{ object?: { text?: unknown } }} */ event) => {
        const id = writeIdOfText(event?.object?.text);
        if (id >= 0) this.onDelivery(id, u, d);
      });
      socket.once("connect", () => {
        this.clients.push(socket);
        resolve();
      });
      socket.once("connect_error", (err) => {
        socket.close();
        reject(err);
      });
    });
    return opened;
  }

  closeDevices() {
    for (const socket of this.clients) socket.close();
    this.clients = [];
  }
}
