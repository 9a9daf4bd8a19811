import http from "node:http";
import express from "express";
import { Server } from "socket.io";
import { createdTodo } from "./changeEvent.mjs";
import { peerEnv } from "./peerEnv.mjs";
import { PeerStore } from "./peerStore.mjs";
import { createSigninAccounts, verifySignin } from "./signinAccounts.mjs";

/**
 * The Socket.IO peer: the same job as Tandem done the way a Socket.IO 4 application does it.
 * Express parses the POST, the todo is inserted into SQLite, and the event is emitted to the
 * room `user:<id>` that each of the user's sockets joined on connection.
 *
 * No authentication: the user id travels in the handshake's `auth` and in an `X-User-Id` header.
 * That is less work than Tandem does (a session lookup per request, a ticket per socket), and the
 * benchmark says so rather than adding a made-up auth layer to the peer.
 */
const env = peerEnv();
const store = new PeerStore(env.dataDir);
await createSigninAccounts(store, env);

const app = express();
app.set("x-powered-by", false);
app.use(express.json());

app.get("/healthz", (_req, res) => {
  res.json({ status: "ok" });
});

app.post("/api/todos", (req, res) => {
  const userId = req.get("x-user-id");
  const text = req.body?.text;
  if (!userId || typeof text !== "string") {
    res.status(400).json({ error: "x-user-id and text are required" });
    return;
  }
  const { todo, event } = createdTodo(userId, req.get("x-device-id") ?? null, text);
  store.insertTodo(todo);
  // Socket.IO encodes the packet once per broadcast and writes the same frame to every socket.
  io.to(`user:${userId}`).emit("change", event);
  res.status(201).json({ todo });
});

app.post("/api/auth/login", async (req, res) => {
  if (await verifySignin(store, req.body)) res.json({ ok: true });
  else res.status(401).json({ error: "invalid credentials" });
});

const httpServer = http.createServer({ noDelay: true }, app);
const io = new Server(httpServer, {
  // No compression anywhere in the benchmark: it would cost a zlib context per socket.
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
});

// Socket.IO's own advice for memory ("Memory usage" in its docs): the handshake request is kept
// by every socket unless dropped.
io.engine.on("connection", (rawSocket) => {
  rawSocket.request = null;
});

io.on("connection", (socket) => {
  const userId = socket.handshake.auth?.user;
  if (typeof userId !== "string") {
    socket.disconnect(true);
    return;
  }
  socket.join(`user:${userId}`);
});

httpServer.listen(env.port, env.host, () => {
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : env.port;
  process.stdout.write(JSON.stringify({ port, msg: "socket.io peer listening" }) + "\n");
});

process.on("SIGTERM", () => {
  io.close();
  store.close();
  process.exit(0);
});
