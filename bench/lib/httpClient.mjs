import net from "node:net";

/**
 * A keep-alive HTTP/1.1 client for the driver, on raw sockets with Nagle off: the requests are
 * small and a 40 ms delayed-ACK stall would dwarf what is being measured.
 *
 * Written here rather than used from `node:http` because the driver's core is the one limit the
 * servers must not meet before their own: `node:http`'s client (request and response objects,
 * streams, the agent's queue) took 53–63 µs of CPU per request against a bare server, this takes
 * 17–22 µs, and at thousands of writes a second that is a tenth of the driver's core. It does only
 * what the servers under test need: one request in flight per connection, request bodies as
 * JSON, responses framed by `Content-Length` (a chunked response fails the request), header names
 * lower-cased, and the `Set-Cookie` headers as a list of their own.
 *
 * @typedef {{ status: number, headers: Record<string, string>, setCookies: string[], body: string }} HttpResponse
 * @typedef {{ text: string, resolve: (r: HttpResponse) => void, reject: (e: Error) => void }} Job
 * @typedef {{ socket: net.Socket, job: Job | null, pending: Buffer | null, idleSince: number, dead: boolean }} Connection
 */

/**
 * A connection idle this long is closed rather than reused: Node servers close idle keep-alive
 * connections after 5 s, and a request written as the server closes would fail with ECONNRESET.
 */
const MAX_IDLE_MS = 4000;

const HEAD_END = Buffer.from("\r\n\r\n");

export class HttpClient {
  /** @param {string} baseUrl @param {{ maxSockets?: number, headers?: Record<string, string> }} [options] */
  constructor(baseUrl, options = {}) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.maxSockets = options.maxSockets ?? 64;
    this.defaultHeaders = options.headers ?? {};
    /** @type {Connection[]} */
    this.idle = [];
    /** @type {Job[]} requests waiting for a connection */
    this.waiting = [];
    /** @type {Set<Connection>} */
    this.connections = new Set();
    this.open = 0;
    this.closed = false;
  }

  /**
   * @param {string} method @param {string} path
   * @param {{ json?: unknown, headers?: Record<string, string> }} [options]
   * @returns {Promise<HttpResponse>}
   */
  request(method, path, options = {}) {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new Error("the client is closed"));
        return;
      }
      let text = `${method} ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\n`;
      const headers = { ...this.defaultHeaders, ...options.headers };
      for (const name in headers) text += `${name}: ${headers[name]}\r\n`;
      if (options.json === undefined) {
        text += "\r\n";
      } else {
        const body = JSON.stringify(options.json);
        text += `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      }
      this.#dispatch({ text, resolve, reject });
    });
  }

  /** Closes every connection; requests in flight or waiting fail. */
  close() {
    this.closed = true;
    for (const job of this.waiting.splice(0)) job.reject(new Error("the client is closed"));
    for (const conn of [...this.connections]) this.#lose(conn, new Error("the client is closed"));
  }

  /** @param {Job} job */
  #dispatch(job) {
    const now = performance.now();
    let conn = this.idle.pop();
    while (conn !== undefined && now - conn.idleSince > MAX_IDLE_MS) {
      conn.socket.destroy();
      conn = this.idle.pop();
    }
    if (conn !== undefined) this.#send(conn, job);
    else if (this.open < this.maxSockets) this.#send(this.#connect(), job);
    else this.waiting.push(job);
  }

  /** @returns {Connection} */
  #connect() {
    this.open++;
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    /** @type {Connection} */
    const conn = { socket, job: null, pending: null, idleSince: 0, dead: false };
    this.connections.add(conn);
    socket.on("data", (chunk) => this.#receive(conn, chunk));
    socket.on("error", (err) => this.#lose(conn, err));
    // A server that half-closes (FIN without `Connection: close`) will not answer on this socket again.
    socket.on("end", () => this.#lose(conn, new Error("the server ended the connection")));
    socket.on("close", () => this.#lose(conn, new Error("the server closed the connection")));
    return conn;
  }

  /** @param {Connection} conn @param {Job} job */
  #send(conn, job) {
    conn.job = job;
    conn.socket.write(job.text);
  }

  /** @param {Connection} conn @param {Error} err */
  #lose(conn, err) {
    if (conn.dead) return;
    conn.dead = true;
    this.open--;
    this.connections.delete(conn);
    const at = this.idle.indexOf(conn);
    if (at >= 0) this.idle.splice(at, 1);
    conn.socket.destroy();
    const job = conn.job;
    conn.job = null;
    job?.reject(err);
    // A request that was waiting for a free connection gets a new one.
    const next = this.closed ? undefined : this.waiting.shift();
    if (next !== undefined) this.#send(this.#connect(), next);
  }

  /** @param {Connection} conn @param {Buffer} chunk */
  #receive(conn, chunk) {
    if (conn.job === null) {
      // Nothing was asked on this connection (a server's 408 on an idle one, say): it is spent.
      this.#lose(conn, new Error("the server sent a response nobody asked for"));
      return;
    }
    const data = conn.pending === null ? chunk : Buffer.concat([conn.pending, chunk]);
    const headEnd = data.indexOf(HEAD_END);
    if (headEnd < 0) {
      conn.pending = data;
      return;
    }
    const lines = data.toString("latin1", 0, headEnd).split("\r\n");
    const status = Number(lines[0]?.slice(9, 12));
    /** @type {Record<string, string>} */
    const headers = {};
    /** @type {string[]} */
    const setCookies = [];
    for (let i = 1; i < lines.length; i++) {
      const line = /** @type {string} */ (lines[i]);
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "set-cookie") setCookies.push(value);
      else headers[name] = value;
    }
    if (headers["transfer-encoding"] !== undefined) {
      this.#lose(conn, new Error(`a ${status} response came chunked: the bench's client needs Content-Length`));
      return;
    }
    const bodyStart = headEnd + HEAD_END.length;
    const bodyEnd = bodyStart + Number(headers["content-length"] ?? 0);
    if (data.length < bodyEnd) {
      conn.pending = data;
      return;
    }
    conn.pending = null;
    const job = conn.job;
    conn.job = null;
    job?.resolve({ status, headers, setCookies, body: data.toString("utf8", bodyStart, bodyEnd) });
    if (headers.connection === "close") {
      this.#lose(conn, new Error("the server closed the connection"));
      return;
    }
    const next = this.waiting.shift();
    if (next !== undefined) {
      this.#send(conn, next);
    } else {
      conn.idleSince = performance.now();
      this.idle.push(conn);
    }
  }
}
