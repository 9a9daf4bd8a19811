import type { WebSocket } from "ws";
import type { LocalSocket } from "./GatewaySocket.js";

/**
 * The gateway's listeners for its WebSockets' events: one function per event, shared by every
 * socket (`this` is the WebSocket that emitted it), rather than closures made per socket, which
 * with thousands of idle sockets were a good part of each one's heap (docs/performance.md).
 */
export interface SocketListeners {
  close(this: WebSocket, code: number): void;
  message(this: WebSocket): void;
  error(this: WebSocket, err: Error): void;
}

export function socketListeners(socketOf: (ws: WebSocket) => LocalSocket<unknown> | undefined, closed: (ws: WebSocket, code: number) => void): SocketListeners {
  return {
    close(code) {
      closed(this, code);
    },
    message() {
      socketOf(this)?.wsMessage();
    },
    // Without an error listener, ws's errors would crash the process; one that comes after the
    // close (the socket is forgotten by then) has nothing left to tell.
    error(err) {
      socketOf(this)?.wsError(err);
    },
  };
}

/** Listens to `ws` for the gateway (ws emits 'close' once). */
export function listenTo(ws: WebSocket, listeners: SocketListeners): void {
  ws.on("close", listeners.close);
  ws.on("message", listeners.message);
  ws.on("error", listeners.error);
}
