import { z } from "zod";
import { ChangeEvent } from "./events.js";

/** The one path sockets are opened on. */
export const SOCKET_PATH = "/ws";
/** The query parameter of a socket URI that carries its one-time ticket. */
export const TICKET_PARAM = "ticket";

/**
 * Close codes the server uses. 1000-1015 are RFC 6455's; 4000-4999 are for applications.
 * A client reconnects (with backoff) on every code but SIGNED_OUT.
 */
export const CloseCode = {
  /** The server is shutting down for good. */
  GOING_AWAY: 1001,
  /** The client broke a rule (for example it flooded the server with messages). */
  POLICY_VIOLATION: 1008,
  /** A frame was larger than the server accepts. */
  MESSAGE_TOO_BIG: 1009,
  /** The server hit an unexpected error. */
  INTERNAL_ERROR: 1011,
  /** The server is restarting: reconnect, a new instance will answer. */
  SERVICE_RESTART: 1012,
  /** The client could not keep up (or the server is overloaded): reconnect and catch up. */
  TRY_AGAIN_LATER: 1013,
  /**
   * The session or token behind the socket was signed out, revoked or expired, or the account was
   * deleted. Do not reconnect; the close reason is one of {@link SignOutReason}.
   */
  SIGNED_OUT: 4001,
  /**
   * The session behind the socket goes on under a new id (the password was changed on this
   * device; the response carried the new cookie). Reconnect at once, with a new grant.
   */
  SESSION_RENEWED: 4002,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Why a socket was closed with SIGNED_OUT (its close reason), so a client can tell its user. */
export const SignOutReason = {
  /** This device signed out. */
  SIGNED_OUT: "signed out",
  /** Another device of the user signed this one out (one device, or "everywhere else"). */
  DEVICE_REVOKED: "signed out from another device",
  /** The password was changed on another device. */
  PASSWORD_CHANGED: "password changed",
  /** The password was reset through an emailed link. */
  PASSWORD_RESET: "password reset",
  ACCOUNT_DELETED: "account deleted",
  SESSION_EXPIRED: "session expired",
  TOKEN_EXPIRED: "token expired",
} as const;
export type SignOutReason = (typeof SignOutReason)[keyof typeof SignOutReason];

/** `GET /api/websocket` → the socket to open, in the shape a managed gateway's create-socket returns. */
export const WebSocketGrant = z.object({
  id: z.string(),
  uri: z.url(),
  expiresAt: z.iso.datetime(),
  /** The tags the socket will carry once open: what it can be addressed by. */
  tags: z.array(z.string()),
  /** The socket protocol the server speaks (PROTOCOL_VERSION). */
  protocolVersion: z.number().int().min(1),
});
export type WebSocketGrant = z.infer<typeof WebSocketGrant>;

export const WebSocketQuery = z.strictObject({
  since: z
    .string()
    .regex(/^\d{1,15}$/, "since must be a non-negative integer")
    .transform(Number)
    .optional(),
});

/** Who a message goes to: the union of the listed sockets and of the sockets with any listed tag. */
export const Receivers = z
  .strictObject({
    sockets: z.array(z.string().min(1).max(128)).max(1000).default([]),
    tags: z.array(z.string().min(1).max(128)).max(1000).default([]),
  })
  .refine((r) => r.sockets.length + r.tags.length > 0, { message: "name at least one socket or tag" });
export type Receivers = z.infer<typeof Receivers>;

/** `POST /api/websocket/messages`: what the data store's webhook sends. */
export const WebhookBody = z.strictObject({
  payload: ChangeEvent,
  receivers: Receivers.optional(),
});
export type WebhookBody = z.infer<typeof WebhookBody>;

export const WebhookResponse = z.object({ delivered: z.number().int().min(0) });
export type WebhookResponse = z.infer<typeof WebhookResponse>;

export const HealthResponse = z.object({
  status: z.enum(["ok", "degraded"]),
  db: z.enum(["sqlite", "mongodb"]),
  bus: z.enum(["memory", "redis"]).optional(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
