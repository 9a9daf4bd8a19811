/**
 * The client connection as an explicit state machine: every status change goes through
 * `nextStatus`, so which transitions exist is readable in one place and testable without a
 * socket.
 *
 * - `idle`: not started (signed out, or disposed).
 * - `connecting`: the first attempt after sign-in (snapshot, ticket, socket).
 * - `live`: a socket is open; changes arrive as they happen.
 * - `reconnecting`: the socket was lost; waiting out a backoff delay or trying again.
 * - `offline`: the browser says there is no network; nothing is tried until it says there is.
 * - `signedOut`: the server ended the session; never reconnects.
 * - `outdated`: the server speaks another protocol version; never reconnects (a reload fetches
 *   the app that speaks it). A later end of the session still ends it.
 */
export type ConnectionStatus = "idle" | "connecting" | "live" | "reconnecting" | "offline" | "signedOut" | "outdated";

export type ConnectionEvent =
  | "start"
  /** The socket opened. */
  | "opened"
  /** The socket closed, or an attempt failed, for a reason worth retrying. */
  | "lost"
  | "wentOffline"
  | "wentOnline"
  /** Close code 4001, or a 401 on any request. */
  | "signedOut"
  /** The socket grant names a protocol version other than this app's. */
  | "outdated"
  | "stop";

export function nextStatus(status: ConnectionStatus, event: ConnectionEvent): ConnectionStatus {
  if (event === "stop") return "idle";
  if (status === "idle") return event === "start" ? "connecting" : status;
  // Terminal until stopped: a signed-out session must not come back by itself, and an outdated
  // app must not retry a server it cannot understand.
  if (status === "signedOut") return status;
  if (status === "outdated") return event === "signedOut" ? "signedOut" : status;
  switch (event) {
    case "start":
      return status;
    case "opened":
      return status === "offline" ? status : "live";
    case "lost":
      return status === "offline" ? status : "reconnecting";
    case "wentOffline":
      return "offline";
    case "wentOnline":
      return status === "offline" ? "reconnecting" : status;
    case "signedOut":
      return "signedOut";
    case "outdated":
      return "outdated";
  }
}

/** Whether the machine should be holding (or trying to get) a socket in this status. */
export function wantsSocket(status: ConnectionStatus): boolean {
  return status === "connecting" || status === "live" || status === "reconnecting";
}
