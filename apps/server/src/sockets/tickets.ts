import { createHash, randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { DeviceId, Seq, UserId } from "@tandem/protocol";
import { AppError } from "../errors.js";
import type { KeyValue } from "../kv/KeyValue.js";

/** What a ticket stands for: exactly one socket, of one user, opened by one credential and device. */
export const TicketClaims = z.object({
  socketId: z.uuid(),
  userId: UserId,
  credential: z.union([z.object({ sessionId: z.string() }), z.object({ tokenId: z.string() })]),
  device: DeviceId.nullable(),
  since: Seq.nullable(),
});
export type TicketClaims = z.infer<typeof TicketClaims>;

/**
 * One-time tickets for the socket URI. A WebSocket cannot carry an Authorization header from a
 * browser, and a cookie on the upgrade would make the socket hijackable cross-site; so the
 * authenticated `GET /api/websocket` mints a ticket that the URI carries instead.
 *
 * - 256 random bits: unguessable.
 * - Single-use (redeemed with an atomic take): a URI that leaks from a log or a history is dead.
 * - Short-lived (60 s by default): only long enough to open the socket.
 * - Only its SHA-256 is kept, so whoever can read the store cannot open sockets.
 * - At most `perUser` are issued to one user within one ticket lifetime (counted from the first
 *   of them): a client asking in a loop gets `too_many_requests` instead of making the store hold
 *   tickets without bound. A ticket lives no longer than that lifetime, so a user never holds
 *   more than twice `perUser` at once.
 */
export class Tickets {
  constructor(
    private readonly kv: KeyValue,
    private readonly ttlMs: number,
    private readonly perUser: number,
  ) {}

  /** @throws AppError `too_many_requests` (saying when to ask again) past `perUser`; `unavailable` if the store is down */
  async issue(claims: Omit<TicketClaims, "socketId">): Promise<{ ticket: string; socketId: string; expiresAt: Date }> {
    const { count, expiresInMs } = await this.kv.increment(issuedKey(claims.userId), this.ttlMs);
    if (count > this.perUser) {
      const seconds = Math.max(1, Math.ceil(expiresInMs / 1000));
      throw new AppError("too_many_requests", `too many socket grants, try again in ${seconds} s`, { retryAfterSeconds: seconds });
    }
    const ticket = randomBytes(32).toString("base64url");
    const socketId = randomUUID();
    const full: TicketClaims = { ...claims, socketId };
    await this.kv.setIfAbsent(key(ticket), JSON.stringify(full), this.ttlMs);
    return { ticket, socketId, expiresAt: new Date(Date.now() + this.ttlMs) };
  }

  /** @returns the claims, or null for a missing, unknown, reused or expired ticket */
  async redeem(ticket: string | null): Promise<TicketClaims | null> {
    if (!ticket || !/^[A-Za-z0-9_-]{43}$/.test(ticket)) return null;
    const stored = await this.kv.take(key(ticket));
    if (stored === null) return null;
    const parsed = TicketClaims.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : null;
  }
}

const key = (ticket: string) => "ticket:" + createHash("sha256").update(ticket).digest("hex");
const issuedKey = (userId: string) => `tickets-issued:${userId}`;
