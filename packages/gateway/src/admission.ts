import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { ConnectionLimit } from "./connectionLimit.js";
import type { AuthGrant, AuthResult } from "./GatewayOptions.js";
import type { Logger } from "./Logger.js";
import { rejectUpgrade } from "./upgrade.js";

/** What an upgrade is checked against, as the gateway sees it at that moment. */
export interface AdmissionChecks<TData> {
  readonly authenticate: (req: IncomingMessage) => Promise<AuthResult<TData>>;
  /** Whether upgrades are accepted now (bus healthy, not shutting down). */
  accepting(): boolean;
  /** Whether the refusal is for good (shutting down) rather than for a moment. */
  shuttingDown(): boolean;
  /** Whether a socket with this id is already open here. */
  isOpen(id: string): boolean;
  readonly connectionLimit: ConnectionLimit;
  readonly logger: Logger;
}

/** An upgrade that passed every check: ws may take the socket. */
export interface Admitted<TData> {
  readonly id: string;
  readonly grant: AuthGrant<TData>;
}

/**
 * Runs an upgrade request through the gateway's checks in order (accepting, authenticated,
 * still accepting once authentication has answered, a free socket id, a connection slot for
 * its limit key) and answers a refused one with its HTTP status. Returns the admitted socket's
 * id and grant, or undefined once the request was refused (or its client went away).
 */
export async function admitUpgrade<TData>(req: IncomingMessage, socket: Duplex, checks: AdmissionChecks<TData>): Promise<Admitted<TData> | undefined> {
  const { logger } = checks;
  const unavailable = (): void =>
    rejectUpgrade(socket, 503, checks.shuttingDown() ? "server is shutting down" : "temporarily unavailable");
  if (!checks.accepting()) {
    unavailable();
    return undefined;
  }
  let result: AuthResult<TData>;
  try {
    result = await checks.authenticate(req);
  } catch (err) {
    logger.error({ err }, "authenticate threw");
    rejectUpgrade(socket, 500, "internal error");
    return undefined;
  }
  // The client may have given up while we authenticated.
  if (socket.destroyed) return undefined;
  // The bus may have gone down, or shutdown begun, while we authenticated.
  if (!checks.accepting()) {
    unavailable();
    return undefined;
  }
  if (!result.ok) {
    const valid = Number.isInteger(result.status) && result.status >= 400 && result.status <= 599;
    if (!valid) logger.error({ status: result.status }, "authenticate refused with a non-error status");
    logger.debug({ status: result.status }, "upgrade refused");
    rejectUpgrade(socket, valid ? result.status : 500, valid ? result.message : "internal error");
    return undefined;
  }
  const id = result.id ?? randomUUID();
  if (checks.isOpen(id)) {
    rejectUpgrade(socket, 409, "socket id already connected");
    return undefined;
  }
  if (result.limitKey !== undefined) {
    const release = checks.connectionLimit.acquire(result.limitKey);
    if (release === undefined) {
      logger.info({ limitKey: result.limitKey }, "too many sockets for key");
      rejectUpgrade(socket, 429, "too many connections");
      return undefined;
    }
    // The TCP socket's close is the one event that happens however the upgrade ends (refused
    // by ws as a bad handshake, or opened and later closed), so the slot is released there.
    socket.once("close", release);
  }
  return { id, grant: result };
}
