import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/**
 * Answers a WebSocket upgrade request with a plain HTTP error and closes the TCP socket, before
 * any WebSocket exists: a refused client never gets a socket to hold open, and the status (401,
 * 429, 503...) is visible to the client (ws's `unexpected-response`; browsers only see a failed
 * handshake, which they treat the same).
 *
 * The socket is destroyed once the response is flushed (as ws's own `abortHandshake` does), so
 * the response is not cut off by the close.
 */
export function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const reason = STATUS_CODES[status] ?? "Error";
  const head = [
    `HTTP/1.1 ${status} ${reason}`,
    "Connection: close",
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(message)}`,
  ].join("\r\n");
  socket.once("finish", () => socket.destroy());
  socket.end(`${head}\r\n\r\n${message}`);
}

/** The path of a request target, without its query (which carries the ticket). */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return "/";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}
