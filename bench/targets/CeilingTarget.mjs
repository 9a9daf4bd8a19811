import { writeIdOfFrame } from "../lib/writeIds.mjs";
import { PeerTarget, userId } from "./PeerTarget.mjs";
import { openSocket } from "../lib/openSocket.mjs";

/** The bare `ws` ceiling (`servers/wsCeiling.mjs`) and plain `ws` clients, as for Tandem. */
export class CeilingTarget extends PeerTarget {
  /** @param {Omit<ConstructorParameters<typeof PeerTarget>[0], "name" | "script">} options */
  constructor(options) {
    super({ ...options, name: "ceiling", script: "wsCeiling.mjs" });
    /** @type {import("ws").WebSocket[]} */
    this.clients = [];
  }

  get relays() {
    return true;
  }

  /** @param {number} u @param {number} d */
  async openDevice(u, d) {
    const ws = await openSocket(`${this.serverOf(d).url.replace(/^http:/, "ws:")}/ws?user=${userId(u)}&device=bench-u${u}-d${d}`);
    ws.on("message", (data) => {
      const id = writeIdOfFrame(/** @type {Buffer} */ (data));
      if (id >= 0) this.onDelivery(id, u, d);
    });
    this.clients.push(ws);
  }

  closeDevices() {
    for (const ws of this.clients) ws.terminate();
    this.clients = [];
  }
}
