import type { OpenSocket, SocketHandlers } from "../sync/socket";

export class FakeSocket {
  closedByClient = false;

  constructor(
    readonly uri: string,
    private readonly handlers: SocketHandlers,
  ) {}

  close(): void {
    this.closedByClient = true;
  }

  /** The server accepted the upgrade. */
  open(): void {
    this.handlers.onOpen();
  }

  /** The server sent a frame. */
  deliver(message: unknown): void {
    this.handlers.onMessage(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** The server (or the network) closed the socket. */
  serverClose(code: number, reason = ""): void {
    this.handlers.onClose(code, reason);
  }
}

/** Records every socket the code under test opens. */
export class FakeSockets {
  readonly opened: FakeSocket[] = [];

  readonly open: OpenSocket = (uri, handlers) => {
    const socket = new FakeSocket(uri, handlers);
    this.opened.push(socket);
    return socket;
  };

  get last(): FakeSocket {
    const socket = this.opened.at(-1);
    if (!socket) throw new Error("no socket was opened");
    return socket;
  }
}
