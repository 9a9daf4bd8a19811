import {
  CHANGE_MESSAGE,
  ChangeEvent,
  DEVICES_MESSAGE,
  DevicesMessage,
  RESYNC_MESSAGE,
  ResyncMessage,
  type SocketMessage,
} from "@tandem/protocol";

/** One text frame from the server, read by its top-level `type`. */
export type Frame =
  | { kind: "message"; message: SocketMessage }
  /**
   * A `type` this app does not know. Later servers may add message types (the protocol allows
   * it without a version change), so such a frame is ignored, quietly: it is not an error.
   */
  | { kind: "unknown"; type: string }
  /** Not JSON, no string `type`, or a known type whose body breaks its schema. */
  | { kind: "invalid" };

const INVALID: Frame = { kind: "invalid" };

export function readFrame(data: string): Frame {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return INVALID;
  }
  const type = typeof json === "object" && json !== null && "type" in json ? json.type : undefined;
  if (typeof type !== "string") return INVALID;
  switch (type) {
    case CHANGE_MESSAGE:
      return checked(ChangeEvent.safeParse(json));
    case RESYNC_MESSAGE:
      return checked(ResyncMessage.safeParse(json));
    case DEVICES_MESSAGE:
      return checked(DevicesMessage.safeParse(json));
    default:
      return { kind: "unknown", type };
  }
}

function checked(parsed: { success: true; data: SocketMessage } | { success: false }): Frame {
  return parsed.success ? { kind: "message", message: parsed.data } : INVALID;
}
