import { Router, type Response } from "express";
import {
  ChangePasswordBody,
  DeleteAccountBody,
  RenameDeviceBody,
  SignOutReason,
  type AccountExport,
  type DeviceListResponse,
  type DeviceResponse,
} from "@tandem/protocol";
import type { Store } from "../store/Store.js";
import type { Passwords } from "../auth/passwords.js";
import type { CredentialCheck } from "../auth/credentialCheck.js";
import { clientNetwork } from "../auth/clientNetwork.js";
import type { Sessions } from "../auth/sessions.js";
import type { TodoService } from "../todos/TodoService.js";
import type { DeviceRoster, CurrentCredential } from "../devices/DeviceRoster.js";
import type { AccountEvents } from "../devices/accountEvents.js";
import { AppError } from "../errors.js";
import { parse } from "../http/validate.js";
import { principalOf, requireAuth, type Principal } from "../http/authenticate.js";

export interface AccountRoutesDeps {
  store: Store;
  sessions: Sessions;
  passwords: Passwords;
  credentials: CredentialCheck;
  roster: DeviceRoster;
  todos: Pick<TodoService, "list">;
  events: AccountEvents;
}

function currentOf(principal: Principal): CurrentCredential {
  return principal.via === "session"
    ? { sessionId: principal.sessionId, deviceId: principal.deviceId }
    : { tokenId: principal.tokenId, deviceId: principal.deviceId };
}

function deviceIdParam(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** `/api/account`: the signed-in user's devices, password, data and the account itself. */
export function accountRoutes({ store, sessions, passwords, credentials, roster, todos, events }: AccountRoutesDeps): Router {
  const router = Router();
  router.use(requireAuth);

  router.get("/devices", async (req, res) => {
    const principal = principalOf(req);
    const devices = await roster.list(principal.user.id, principal.deviceId);
    res.json({ devices } satisfies DeviceListResponse);
  });

  router.patch("/devices/:id", async (req, res) => {
    const principal = principalOf(req);
    const { name } = parse(RenameDeviceBody, req.body);
    const device = await roster.rename(principal.user.id, deviceIdParam(req.params.id), name, principal.deviceId);
    req.log.info({ userId: principal.user.id, deviceId: device.id, event: "device_renamed" }, "device renamed");
    res.json({ device } satisfies DeviceResponse);
  });

  router.delete("/devices/:id", async (req, res) => {
    const principal = principalOf(req);
    const deviceId = deviceIdParam(req.params.id);
    const self = deviceId === principal.deviceId;
    // Revoking the device the request came from is signing out.
    await roster.revoke(principal.user.id, deviceId, self ? SignOutReason.SIGNED_OUT : SignOutReason.DEVICE_REVOKED);
    if (self && principal.via === "session") await sessions.end(res, null);
    req.log.info({ userId: principal.user.id, deviceId, event: "device_revoked" }, "device signed out");
    res.status(204).end();
  });

  router.delete("/devices", async (req, res) => {
    const principal = principalOf(req);
    const revoked = await roster.revokeAllBut(principal.user.id, currentOf(principal), SignOutReason.DEVICE_REVOKED);
    req.log.info({ userId: principal.user.id, revoked, event: "devices_revoked" }, "signed out everywhere else");
    res.status(204).end();
  });

  router.post("/password", async (req, res) => {
    const principal = principalOf(req);
    const { currentPassword, newPassword } = parse(ChangePasswordBody, req.body);
    const { user } = principal;
    await credentials.verify(req, user.email, currentPassword);
    const passwordHash = await passwords.hash(newPassword, clientNetwork(req.ip));
    await store.users.setPasswordHash(user.id, passwordHash);
    let keep = currentOf(principal);
    if (principal.via === "session") keep = await renewSession(res, principal);
    await roster.revokeAllBut(user.id, keep, SignOutReason.PASSWORD_CHANGED);
    req.log.info({ userId: user.id, event: "password_changed" }, "password changed");
    res.status(204).end();
  });

  /**
   * The session goes on under a new id (a cookie copied before the change opens nothing after).
   * Its sockets, opened under the old id, close with 4002 and reconnect with the new cookie.
   */
  async function renewSession(res: Response, principal: Extract<Principal, { via: "session" }>): Promise<CurrentCredential> {
    const renewed = await sessions.renew(res, { id: principal.sessionId, userId: principal.user.id, deviceId: principal.deviceId });
    if (renewed === null) throw new AppError("unauthorized", "this session ended meanwhile: sign in again");
    events.renewed(principal.sessionId);
    return { sessionId: renewed.id, deviceId: renewed.deviceId };
  }

  router.get("/export", async (req, res) => {
    const principal = principalOf(req);
    const record = await store.users.findRecordById(principal.user.id);
    if (record === null) throw new AppError("unauthorized", "sign in first");
    const [devices, { todos: list }] = await Promise.all([roster.list(record.id, principal.deviceId), todos.list(record.id)]);
    const exportedAt = new Date().toISOString();
    const body: AccountExport = { exportedAt, account: { email: record.email, createdAt: record.createdAt }, devices, todos: list };
    res.attachment(`tandem-export-${exportedAt.slice(0, 10)}.json`);
    res.json(body);
  });

  router.delete("/", async (req, res) => {
    const principal = principalOf(req);
    const { password } = parse(DeleteAccountBody, req.body);
    const { user } = principal;
    await credentials.verify(req, user.email, password);
    await store.users.delete(user.id);
    events.accountDeleted(user.id);
    await sessions.end(res, null);
    req.log.info({ userId: user.id, event: "account_deleted" }, "account deleted");
    res.status(204).end();
  });

  return router;
}
