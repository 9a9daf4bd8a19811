import { SignOutReason, type Device } from "@tandem/protocol";
import { AppError } from "../errors.js";
import type { SessionRecord, Store } from "../store/Store.js";
import type { TokenInfo } from "@tandem/protocol";
import type { Credential } from "../sockets/tags.js";
import type { AccountEvents } from "./accountEvents.js";
import type { Presence } from "./Presence.js";

/** The credential a request came with, and so the device it is (`current`). */
export type CurrentCredential = ({ sessionId: string } | { tokenId: string }) & { deviceId: string };

const noSuchDevice = () => new AppError("not_found", "no such device");

/**
 * A user's devices: each browser session and each API token (see docs/api.md, "Your devices").
 * A session's device id outlives its session id (a password change moves the session); a token's
 * device id is its own id. Every change is told to the user's sockets (`rosterChanged`), and a
 * revoked credential's sockets are closed (`revoked`), through `AccountEvents`.
 */
export class DeviceRoster {
  readonly #store: Store;
  readonly #presence: Presence;
  readonly #events: AccountEvents;

  constructor(deps: { store: Store; presence: Presence; events: AccountEvents }) {
    this.#store = deps.store;
    this.#presence = deps.presence;
    this.#events = deps.events;
  }

  /** Every live device of the user, most recently seen first. */
  async list(userId: string, currentDeviceId: string | null, now = Date.now()): Promise<Device[]> {
    const [sessions, tokens, online] = await Promise.all([
      this.#store.sessions.listByUser(userId, now),
      this.#store.tokens.list(userId, new Date(now).toISOString()),
      this.#presence.counts(userId),
    ]);
    const devices = [...sessions.map((s) => sessionDevice(s)), ...tokens.map((t) => tokenDevice(t))].map((d) => ({
      ...d,
      current: d.id === currentDeviceId,
      online: online.get(d.id) ?? 0,
    }));
    // ISO times of one format sort as strings; ties by id keep the order stable.
    return devices.sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt) || a.id.localeCompare(b.id));
  }

  async rename(userId: string, deviceId: string, name: string, currentDeviceId: string | null): Promise<Device> {
    const renamed = (await this.#store.sessions.rename(userId, deviceId, name)) || (await this.#store.tokens.rename(userId, deviceId, name));
    if (!renamed) throw noSuchDevice();
    this.#events.rosterChanged(userId, "renamed", deviceId);
    const device = (await this.list(userId, currentDeviceId)).find((d) => d.id === deviceId);
    if (device === undefined) throw noSuchDevice();
    return device;
  }

  /**
   * Revokes one device: its requests answer 401 from now on and its sockets close with 4001.
   * @returns the credential revoked
   */
  async revoke(userId: string, deviceId: string, reason: SignOutReason = SignOutReason.DEVICE_REVOKED): Promise<Credential> {
    const sessionId = await this.#store.sessions.deleteByDevice(userId, deviceId);
    const credential: Credential | null =
      sessionId !== null ? { sessionId } : (await this.#store.tokens.delete(userId, deviceId)) ? { tokenId: deviceId } : null;
    if (credential === null) throw noSuchDevice();
    this.#events.revoked(credential, reason);
    this.#events.rosterChanged(userId, "revoked", deviceId);
    return credential;
  }

  /**
   * Revokes every device of the user but `keep` (the request's own credential; null: all of them).
   * @returns how many were revoked
   */
  async revokeAllBut(userId: string, keep: CurrentCredential | null, reason: SignOutReason): Promise<number> {
    const now = Date.now();
    const sessions = await this.#store.sessions.listByUser(userId, now);
    const keepSession = keep !== null && "sessionId" in keep ? keep.sessionId : null;
    const deletedSessions = await this.#store.sessions.deleteByUser(userId, keepSession);
    const tokens = (await this.#store.tokens.list(userId, new Date(now).toISOString())).filter((t) => keep === null || !("tokenId" in keep) || t.id !== keep.tokenId);
    const deletedTokens: string[] = [];
    for (const token of tokens) if (await this.#store.tokens.delete(userId, token.id)) deletedTokens.push(token.id);

    const deviceOfSession = new Map(sessions.map((s) => [s.id, s.deviceId]));
    for (const sessionId of deletedSessions) {
      this.#events.revoked({ sessionId }, reason);
      const deviceId = deviceOfSession.get(sessionId);
      if (deviceId !== undefined) this.#events.rosterChanged(userId, "revoked", deviceId);
    }
    for (const tokenId of deletedTokens) {
      this.#events.revoked({ tokenId }, reason);
      this.#events.rosterChanged(userId, "revoked", tokenId);
    }
    return deletedSessions.length + deletedTokens.length;
  }
}

type ListedDevice = Omit<Device, "current" | "online">;

function sessionDevice(session: SessionRecord): ListedDevice {
  return {
    id: session.deviceId,
    kind: "session",
    name: session.name,
    createdAt: new Date(session.createdAt).toISOString(),
    lastSeenAt: new Date(Math.max(session.lastSeenAt, session.createdAt)).toISOString(),
  };
}

function tokenDevice(token: TokenInfo): ListedDevice {
  return { id: token.id, kind: "token", name: token.name, createdAt: token.createdAt, lastSeenAt: token.lastUsedAt ?? token.createdAt };
}
