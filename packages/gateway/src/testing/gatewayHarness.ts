import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { WebSocket, type ClientOptions } from "ws";
import type { Gateway } from "../Gateway.js";

/**
 * Real sockets for tests: a gateway on a loopback HTTP server on a free port, and `ws` clients
 * that record what they receive. Every helper here has a way to close what it opened.
 */

export interface ListeningGateway {
  readonly server: Server;
  readonly port: number;
  /** `ws://127.0.0.1:<port><pathAndQuery>`, path `/ws` unless given. */
  url(pathAndQuery?: string): string;
  /** Shuts the gateway down (idempotent) and closes the HTTP server. */
  close(): Promise<void>;
}

export async function listen<TData>(gateway: Gateway<TData>): Promise<ListeningGateway> {
  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  gateway.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: (pathAndQuery = "/ws") => `ws://127.0.0.1:${port}${pathAndQuery}`,
    async close() {
      await gateway.shutdown();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface CloseEvent {
  readonly code: number;
  readonly reason: string;
}

export interface TestClient {
  readonly ws: WebSocket;
  /** Every text message received, in order. */
  readonly messages: string[];
  readonly pings: number;
  readonly closed: Promise<CloseEvent>;
  /** Resolves once a message equal to `text` has arrived. */
  waitForMessage(text: string, timeoutMs?: number): Promise<void>;
  /** Closes (terminating if the server does not answer) and waits for the close. */
  close(): Promise<void>;
}

/** The server answered the upgrade with an HTTP response instead of a WebSocket. */
export class UpgradeRefused extends Error {
  readonly status: number;
  readonly body: string;
  constructor(status: number, body: string) {
    super(`upgrade refused with ${status}: ${body}`);
    this.name = "UpgradeRefused";
    this.status = status;
    this.body = body;
  }
}

/** Opens a client; rejects with {@link UpgradeRefused} if the server answers with a status. */
export function connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url, { perMessageDeflate: false, ...options });
  const messages: string[] = [];
  let pings = 0;
  const closed = new Promise<CloseEvent>((resolve) => {
    ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  ws.on("message", (data, isBinary) => {
    if (!isBinary) messages.push(data.toString());
  });
  ws.on("ping", () => {
    pings += 1;
  });
  const client: TestClient = {
    ws,
    messages,
    get pings() {
      return pings;
    },
    closed,
    async waitForMessage(text, timeoutMs = 2_000) {
      await waitFor(() => messages.includes(text), timeoutMs, `message ${JSON.stringify(text)}`);
    },
    async close() {
      if (ws.readyState === ws.CLOSED) return;
      if (ws.readyState === ws.OPEN) ws.close(1000);
      const timer = setTimeout(() => ws.terminate(), 1_000);
      await closed;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(client));
    ws.once("unexpected-response", (req, res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.once("end", () => {
        req.destroy();
        reject(new UpgradeRefused(res.statusCode ?? 0, body));
      });
    });
    // Errors also surface as a close; without a listener ws would throw them.
    ws.on("error", (err) => reject(err));
  });
}

/** The HTTP status an upgrade is refused with; fails the test if the socket opens. */
export async function refusal(url: string, options: ClientOptions = {}): Promise<UpgradeRefused> {
  let client: TestClient;
  try {
    client = await connect(url, options);
  } catch (err) {
    if (err instanceof UpgradeRefused) return err;
    throw err;
  }
  await client.close();
  throw new Error(`expected ${url} to be refused, but it opened`);
}

/** Polls `condition` until it holds; rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 2_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** A promise with its resolvers, for tests that hold a callback open. */
export function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void; reject(err: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
