// The driver's side of loopAtCaps.mjs: one signed-in user (a session cookie over `node:http`, which,
// unlike bench/lib/httpClient.mjs, reads the chunked answers of a long list) and its devices.
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { openSocket } from "../lib/openSocket.mjs";

/** One signed-in client: keeps the session cookie. */
export class Api {
  /** @type {string | undefined} */
  cookie;
  agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  /** @param {string} url */
  constructor(url) {
    this.url = url;
  }

  /**
   * @param {string} method @param {string} pathname @param {unknown} [body]
   * @returns {Promise<{ status: number, text: string }>}
   */
  request(method, pathname, body) {
    return new Promise((resolve, reject) => {
      /** @type {Record<string, string>} */
      const headers = { "x-device-id": "caps-driver" };
      if (this.cookie) headers.cookie = this.cookie;
      const payload = body === undefined ? undefined : JSON.stringify(body);
      if (payload !== undefined) headers["content-type"] = "application/json";
      const req = http.request(`${this.url}${pathname}`, { method, headers, agent: this.agent }, (res) => {
        const set = res.headers["set-cookie"]?.find((c) => c.startsWith("tandem.sid="));
        if (set) this.cookie = set.split(";")[0];
        /** @type {Buffer[]} */
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.once("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      });
      req.once("error", reject);
      req.end(payload);
    });
  }
}

/** A device of the user: a socket that counts the change events it receives. */
export class Device {
  received = 0;
  /** @type {string | undefined} */
  closed;

  /** @param {import("ws").WebSocket} ws */
  constructor(ws) {
    this.ws = ws;
    ws.on("message", (data) => {
      if (String(data).includes('"type":"change"')) this.received += 1;
    });
    ws.on("close", (code) => (this.closed = String(code)));
  }

  /** @param {Api} api */
  static async open(api) {
    const grant = await api.request("GET", "/api/websocket");
    const { uri } = /** @type {{ uri: string }} */ (JSON.parse(grant.text));
    return new Device(await openSocket(uri));
  }

  /** Resolves once `count` change events arrived, the socket closed, or `timeoutMs` passed. */
  async until(/** @type {number} */ count, /** @type {number} */ timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (this.received < count && this.closed === undefined && Date.now() < deadline) await sleep(5);
  }
}
