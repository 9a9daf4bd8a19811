import { ServerMessage } from "@tandem/protocol";

/** Reads one text frame; null when it is not JSON or not a message this protocol defines. */
export function parseServerMessage(data: string): ServerMessage | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = ServerMessage.safeParse(json);
  return parsed.success ? parsed.data : null;
}
