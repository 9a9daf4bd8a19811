import { randomUUID } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { WebSocketServer } from "ws";
import { createdTodo } from "./changeEvent.mjs";
import { peerEnv } from "./peerEnv.mjs";
import { PeerStore } from "./peerStore.mjs";
import { createSigninAccounts, verifySignin } from "./signinAccounts.mjs";

/**
 * The ceiling: the least a server can do for this job with Node and `ws`. `node:http` with no
 * framework, a `Map<userId, Set<socket>>`, the same SQLite insert as the other peer, and the
 * event serialized once and encoded to bytes once, then the same buffer handed to every socket.
 * Whatever this reaches on this machine is the practical limit for the other two.
 *
 * With `REDIS_URL` set (only `tools/ceilingPair.mjs` sets it), it is also the least a server can do
 * to share events with other instances: one PUBLISH of `<origin>\n<userId>\n<event>` per write on one
 * channel, and on each message from another instance, the event handed to that user's sockets
 * here. No parsing, no checks, and no shared file (below): the bare cost of the bus, to set
 * Tandem's against.
 */
const env = peerEnv();
const origin = randomUUID();
// Instances relaying through Redis each keep their own file: two processes inserting into one
// file wait for each other's write lock in SQLite's busy handler, which blocks the event loop
// (better-sqlite3's default), and that, not the bus, would then be what the pair measures.
const store = new PeerStore(process.env.REDIS_URL ? path.join(env.dataDir, origin) : env.dataDir);
await createSigninAccounts(store, env);

/** @type {Map<string, Set<import("ws").WebSocket>>} */
const byUser = new Map();

/** @param {string} userId @param {Buffer} payload */
function sendToUser(userId, payload) {
  const sockets = byUser.get(userId);
  if (sockets === undefined) return;
  for (const ws of sockets) ws.send(payload, { binary: false });
}

const CHANNEL = "ceiling";
const publisher = process.env.REDIS_URL ? await relay(process.env.REDIS_URL) : null;

/**
 * Subscribes to the other instances' events and returns the connection to publish on. Resolves
 * once subscribed, so the server listens (and is ready) only when it hears the others.
 * @param {string} url
 */
async function relay(url) {
  // Loaded only here: without REDIS_URL the ceiling is what it was before it could relay.
  const { Redis } = await import("ioredis");
  const publisher = new Redis(url);
  const subscriber = new Redis(url);
  // Logged, not fatal: ioredis reconnects, and deliveries lost meanwhile show in the driver's counts.
  for (const connection of [publisher, subscriber]) connection.on("error", (err) => process.stderr.write(`ceiling: redis: ${err.message}\n`));
  subscriber.on("message", (_channel, /** @type {string} */ message) => {
    if (message.startsWith(origin)) return;
    const userEnd = message.indexOf("\n", origin.length + 1);
    sendToUser(message.slice(origin.length + 1, userEnd), Buffer.from(message.slice(userEnd + 1)));
  });
  await subscriber.subscribe(CHANNEL);
  return publisher;
}

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });

const server = http.createServer({ noDelay: true }, (req, res) => {
  if (req.method === "GET" && req.url === "/healthz") {
    json(res, 200, { status: "ok" });
    return;
  }
  if (req.method !== "POST") {
    json(res, 404, { error: "not found" });
    return;
  }
  readJson(req).then(
    (body) => {
      if (req.url === "/api/todos") createTodo(req, res, body);
      else if (req.url === "/api/auth/login") void signIn(res, body);
      else json(res, 404, { error: "not found" });
    },
    () => json(res, 400, { error: "bad json" }),
  );
});

/** @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {any} body */
function createTodo(req, res, body) {
  const userId = req.headers["x-user-id"];
  const device = req.headers["x-device-id"];
  if (typeof userId !== "string" || typeof body?.text !== "string") {
    json(res, 400, { error: "x-user-id and text are required" });
    return;
  }
  const { todo, event } = createdTodo(userId, typeof device === "string" ? device : null, body.text);
  store.insertTodo(todo);
  const text = JSON.stringify(event);
  sendToUser(userId, Buffer.from(text));
  publisher?.publish(CHANNEL, `${origin}\n${userId}\n${text}`).catch((err) => process.stderr.write(`ceiling: publish: ${err.message}\n`));
  json(res, 201, { todo });
}

/** @param {http.ServerResponse} res @param {unknown} body */
async function signIn(res, body) {
  if (await verifySignin(store, body)) json(res, 200, { ok: true });
  else json(res, 401, { error: "invalid credentials" });
}

server.on("upgrade", (req, socket, head) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  const userId = url.searchParams.get("user");
  if (url.pathname !== "/ws" || !userId) {
    socket.end("HTTP/1.1 400 Bad Request\r\n\r\n");
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    let set = byUser.get(userId);
    if (set === undefined) byUser.set(userId, (set = new Set()));
    set.add(ws);
    ws.on("error", () => ws.terminate());
    ws.once("close", () => {
      set.delete(ws);
      if (set.size === 0) byUser.delete(userId);
    });
  });
});

/** @param {http.IncomingMessage} req @returns {Promise<unknown>} */
function readJson(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      try {
        resolve(chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch (err) {
        reject(err);
      }
    });
    req.on("error", reject);
  });
}

/** @param {http.ServerResponse} res @param {number} status @param {unknown} body */
function json(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

server.listen(env.port, env.host, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.port;
  process.stdout.write(JSON.stringify({ port, msg: "ws ceiling listening" }) + "\n");
});

process.on("SIGTERM", () => {
  store.close();
  process.exit(0);
});
