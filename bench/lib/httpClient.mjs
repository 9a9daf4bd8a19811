import http from "node:http";

/**
 * A keep-alive HTTP/1.1 client on `node:http` with Nagle off on every connection: the requests
 * are small and a 40 ms delayed-ACK stall would dwarf what is being measured. Much cheaper per
 * request than `fetch` (undici's per-request machinery would load the driver's core).
 *
 * @typedef {{ status: number, headers: http.IncomingHttpHeaders, body: string }} HttpResponse
 */
export class HttpClient {
  /** @param {string} baseUrl @param {{ maxSockets?: number, headers?: Record<string, string> }} [options] */
  constructor(baseUrl, options = {}) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.defaultHeaders = options.headers ?? {};
    // A free socket is dropped after 4 s, before Node servers' 5 s keepAliveTimeout closes it
    // under us (which would turn the next request on it into an ECONNRESET).
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64, timeout: 4000, noDelay: true });
  }

  /**
   * @param {string} method @param {string} path
   * @param {{ json?: unknown, headers?: Record<string, string> }} [options]
   * @returns {Promise<HttpResponse>}
   */
  request(method, path, options = {}) {
    return new Promise((resolve, reject) => {
      const body = options.json === undefined ? undefined : JSON.stringify(options.json);
      /** @type {Record<string, string | number>} */
      const headers = { ...this.defaultHeaders, ...options.headers };
      if (body !== undefined) {
        headers["content-type"] = "application/json";
        headers["content-length"] = Buffer.byteLength(body);
      }
      const req = http.request({ host: this.host, port: this.port, method, path, headers, agent: this.agent }, (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  close() {
    this.agent.destroy();
  }
}
