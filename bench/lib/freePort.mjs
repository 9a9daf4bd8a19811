import net from "node:net";

/**
 * A port nobody listens on right now. The servers are given their port up front (rather than
 * PORT=0) because Tandem reports its port only at log level info, and the benchmark runs it at
 * warn so logging costs nothing; the tiny race with another process is acceptable here.
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
