import { createServer } from "node:net";

/**
 * A loopback port nobody listens on right now: the kernel picks one for a listener that is closed
 * at once. Another process could take it before the caller binds it; rarely, and a test or
 * benchmark that loses the race fails loudly at its listen.
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("could not get a free port");
  return address.port;
}
