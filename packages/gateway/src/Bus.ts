import { CloseCode, type Receivers } from "@tandem/protocol";

/** Deliver `text` to the matching sockets of every instance. */
export interface BusSendMessage {
  readonly type: "send";
  /** The instance that published it; that instance has already delivered to its own sockets. */
  readonly origin: string;
  readonly receivers: Receivers;
  /** Only sockets that carry this tag may receive it (see `Gateway.sendWithin`). */
  readonly within?: string;
  readonly text: string;
  /** The sender's sequence number for it, if it gave one (see `Gateway.send`). */
  readonly seq?: number;
}

/** Close the matching sockets of every instance (for example a signed-out session's, with 4001). */
export interface BusCloseMessage {
  readonly type: "close";
  readonly origin: string;
  readonly receivers: Receivers;
  readonly code: CloseCode;
  readonly reason: string;
}

/** What gateway instances tell each other. */
export type BusMessage = BusSendMessage | BusCloseMessage;

/**
 * How gateway instances reach each other's sockets: every instance publishes what it sends and
 * subscribes to what the others send. Delivery is at most once and unordered across instances;
 * when a bus cannot promise delivery it says so through `healthy`, and the gateway then closes
 * its sockets so that clients reconnect and catch up from storage rather than silently miss
 * messages.
 *
 * The bus belongs to the application: a gateway subscribes on creation and unsubscribes on
 * shutdown, but never closes it, so one bus may outlive (or be shared by) several gateways.
 */
export interface Bus {
  /** For health reports. */
  readonly kind: "memory" | "redis";
  /** True while messages published anywhere are delivered to this bus's subscribers. */
  readonly healthy: boolean;
  /**
   * Fire and forget. A bus that is down drops the message (and logs it): the sockets that
   * would have received it are being closed anyway, and will catch up when they reconnect.
   */
  publish(message: BusMessage): void;
  /** Every message published by any instance, this one's included. Returns the unsubscriber. */
  subscribe(handler: (message: BusMessage) => void): () => void;
  /** Called with the new value each time `healthy` changes. Returns the unsubscriber. */
  onStateChange(listener: (healthy: boolean) => void): () => void;
  /** Resolves when the bus can carry messages now; rejects otherwise. For readiness probes. */
  ping(): Promise<void>;
  /** Releases connections; publishing afterwards is a no-op. Idempotent. */
  close(): Promise<void>;
}

const closeCodes: ReadonlySet<number> = new Set(Object.values(CloseCode));

function isCloseCode(value: unknown): value is CloseCode {
  return typeof value === "number" && closeCodes.has(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function isReceivers(value: unknown): value is Receivers {
  if (typeof value !== "object" || value === null) return false;
  const r = value as { sockets?: unknown; tags?: unknown };
  return isStringArray(r.sockets) && isStringArray(r.tags);
}

/**
 * Checks a message that arrived over the network (another process may run another version, or
 * something else may publish on the channel): anything malformed is dropped, not trusted.
 */
export function parseBusMessage(json: string): BusMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const m = value as Record<string, unknown>;
  if (typeof m.origin !== "string" || !isReceivers(m.receivers)) return undefined;
  if (
    m.type === "send" &&
    typeof m.text === "string" &&
    (m.seq === undefined || Number.isSafeInteger(m.seq)) &&
    (m.within === undefined || typeof m.within === "string")
  ) {
    const seq = m.seq as number | undefined;
    const within = m.within as string | undefined;
    return {
      type: "send",
      origin: m.origin,
      receivers: m.receivers,
      ...(within === undefined ? {} : { within }),
      text: m.text,
      ...(seq === undefined ? {} : { seq }),
    };
  }
  if (m.type === "close" && isCloseCode(m.code) && typeof m.reason === "string") {
    return { type: "close", origin: m.origin, receivers: m.receivers, code: m.code, reason: m.reason };
  }
  return undefined;
}
