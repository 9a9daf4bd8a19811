/** What the reconnector is told about one socket; it never touches a WebSocket directly. */
export interface SocketHandlers {
  onOpen(): void;
  onMessage(data: string): void;
  /** `reason` is the close frame's reason text ("" when none): why the server ended the session. */
  onClose(code: number, reason: string): void;
}

export interface SocketHandle {
  close(): void;
}

export type OpenSocket = (uri: string, handlers: SocketHandlers) => SocketHandle;

/** Close code for a socket this client drops itself (RFC 6455 §7.4.1: 1000 = normal closure). */
const NORMAL_CLOSURE = 1000;

/** The browser's WebSocket behind `OpenSocket`. */
export const openBrowserSocket: OpenSocket = (uri, handlers) => {
  const socket = new WebSocket(uri);
  socket.onopen = () => handlers.onOpen();
  socket.onmessage = (event: MessageEvent<unknown>) => {
    // The server sends JSON text frames only; a binary frame is not ours to read.
    if (typeof event.data === "string") handlers.onMessage(event.data);
  };
  // `error` is always followed by `close` (WHATWG HTML, "feedback from the protocol"), so
  // close alone drives the state machine.
  socket.onclose = (event) => handlers.onClose(event.code, event.reason);
  return {
    close() {
      socket.onopen = socket.onmessage = socket.onclose = null;
      socket.close(NORMAL_CLOSURE);
    },
  };
};
