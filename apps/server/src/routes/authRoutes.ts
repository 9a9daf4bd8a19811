import { Router, type Request, type Response } from "express";
import {
  CreateTokenBody,
  Credentials,
  LoginBody,
  SignOutReason,
  type CreateTokenResponse,
  type TokenListResponse,
  type User,
  type UserResponse,
} from "@tandem/protocol";
import type { Store } from "../store/Store.js";
import type { Passwords } from "../auth/passwords.js";
import type { ActionLimit } from "../auth/loginThrottle.js";
import type { CredentialCheck } from "../auth/credentialCheck.js";
import { hashToken, newTokenSecret } from "../auth/apiTokens.js";
import { clientNetwork } from "../auth/clientNetwork.js";
import { assertPasswordAllowed } from "../auth/passwordRules.js";
import type { Sessions } from "../auth/sessions.js";
import { AppError } from "../errors.js";
import { parse } from "../http/validate.js";
import { principalOf, requireAuth, type Principal } from "../http/authenticate.js";
import type { AccountEvents } from "../devices/accountEvents.js";

export interface AuthRoutesDeps {
  store: Store;
  sessions: Sessions;
  passwords: Passwords;
  credentials: CredentialCheck;
  signupLimit: ActionLimit;
  events: AccountEvents;
  /** Unexpired API tokens one user may hold (TOKENS_MAX_PER_USER). */
  tokensMaxPerUser: number;
}

const DAY_MS = 24 * 60 * 60_000;

const notFound = (what: string) => new AppError("not_found", what);

export function authRoutes({ store, sessions, passwords, credentials, signupLimit, events, tokensMaxPerUser }: AuthRoutesDeps): Router {
  const router = Router();

  /** A new session at every sign-in; the one the request came with (if any) ends. */
  async function startSession(req: Request, res: Response, user: User): Promise<void> {
    const previous = req.principal?.via === "session" ? req.principal : null;
    const started = await sessions.start(req, res, user.id, previous === null ? null : { id: previous.sessionId, userId: previous.user.id });
    if (previous !== null) {
      events.revoked({ sessionId: previous.sessionId }, SignOutReason.SIGNED_OUT);
      if (previous.user.id === user.id) events.rosterChanged(user.id, "revoked", previous.deviceId);
    }
    events.rosterChanged(user.id, "added", started.deviceId);
  }

  router.post("/signup", async (req, res) => {
    const { email, password } = parse(Credentials, req.body);
    assertPasswordAllowed(password, email);
    sessions.assertCanStart(req);
    const client = clientNetwork(req.ip);
    await signupLimit.consume(client);
    let passwordHash: string;
    try {
      passwordHash = await passwords.hash(password, client);
    } catch (err) {
      // Refused before hashing (the server was busy, or this network already has its share of
      // hashes running): no account was made, so the attempt does not count against its sign-ups.
      if (err instanceof AppError) await signupLimit.refund(client);
      throw err;
    }
    const user = await store.users.create({ email, passwordHash });
    await startSession(req, res, user);
    req.log.info({ userId: user.id, event: "signup" }, "account created");
    res.status(201).json({ user } satisfies UserResponse);
  });

  router.post("/login", async (req, res) => {
    const { email, password } = parse(LoginBody, req.body);
    sessions.assertCanStart(req);
    const user = await credentials.verify(req, email, password);
    await startSession(req, res, user);
    req.log.info({ userId: user.id, event: "login" }, "signed in");
    res.json({ user } satisfies UserResponse);
  });

  router.post("/logout", async (req, res) => {
    const principal = req.principal;
    if (principal) await revoke(req, res, principal);
    // A cookie whose session is already gone is cleared too.
    if (principal?.via !== "session") await sessions.end(res, null);
    res.status(204).end();
  });

  /** Signing out ends the credential the request used: the session, or (for a native client) its token. */
  async function revoke(req: Request, res: Response, principal: Principal): Promise<void> {
    if (principal.via === "session") {
      await sessions.end(res, { id: principal.sessionId, userId: principal.user.id });
      events.revoked({ sessionId: principal.sessionId }, SignOutReason.SIGNED_OUT);
    } else {
      await store.tokens.delete(principal.user.id, principal.tokenId);
      events.revoked({ tokenId: principal.tokenId }, SignOutReason.SIGNED_OUT);
    }
    events.rosterChanged(principal.user.id, "revoked", principal.deviceId);
    req.log.info({ userId: principal.user.id, event: "logout", via: principal.via }, "signed out");
  }

  router.get("/me", requireAuth, (req, res) => {
    res.json({ user: principalOf(req).user } satisfies UserResponse);
  });

  router.post("/tokens", async (req, res) => {
    const { email, password, name, expiresInDays } = parse(CreateTokenBody, req.body);
    const user = await credentials.verify(req, email, password);
    const token = newTokenSecret();
    const now = new Date();
    const info = await store.tokens.create(
      { userId: user.id, name, tokenHash: hashToken(token), createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + expiresInDays * DAY_MS).toISOString() },
      { maxLive: tokensMaxPerUser, now: now.toISOString() },
    );
    if (info === null) {
      throw new AppError("limit_reached", `you have ${tokensMaxPerUser} API tokens, the most one account may hold: revoke one you no longer use first`);
    }
    events.rosterChanged(user.id, "added", info.id);
    req.log.info({ userId: user.id, tokenId: info.id, event: "token_created" }, "API token created");
    res.status(201).json({ token, info } satisfies CreateTokenResponse);
  });

  router.get("/tokens", requireAuth, async (req, res) => {
    const tokens = await store.tokens.list(principalOf(req).user.id, new Date().toISOString());
    res.json({ tokens } satisfies TokenListResponse);
  });

  router.delete("/tokens/:id", requireAuth, async (req, res) => {
    const { user } = principalOf(req);
    const id = typeof req.params.id === "string" ? req.params.id : "";
    if (!(await store.tokens.delete(user.id, id))) throw notFound("no such token");
    events.revoked({ tokenId: id }, SignOutReason.DEVICE_REVOKED);
    events.rosterChanged(user.id, "revoked", id);
    req.log.info({ userId: user.id, tokenId: id, event: "token_revoked" }, "API token revoked");
    res.status(204).end();
  });

  return router;
}
