import net from "node:net";

/**
 * The floor: a TCP server that writes back whatever it reads, on its own core like the servers
 * under test. A round trip through it is the least any request-and-event can cost on loopback.
 */
const server = net.createServer({ noDelay: true }, (socket) => {
  socket.setNoDelay(true);
  socket.on("data", (chunk) => socket.write(chunk));
  socket.on("error", () => socket.destroy());
});

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.stdout.write(JSON.stringify({ port, msg: "echo listening" }) + "\n");
});

process.on("SIGTERM", () => process.exit(0));
// Started with an IPC channel only so that it ends with the driver, however the driver ends.
process.channel?.unref();
process.once("disconnect", () => process.exit(1));
