import { Router, type Request, type Response } from "express";
import {
  CreateTokenBody,
  Credentials,
  LoginBody,
  PASSWORD_MAX_BYTES,
  utf8Length,
  type CreateTokenResponse,
  type TokenListResponse,
  type User,
  type UserResponse,
} from "@tandem/protocol";
import type { Store, UserRecord } from "../store/Store.js";
import type { Passwords } from "../auth/passwords.js";
import type { ActionLimit, LoginThrottle } from "../auth/loginThrottle.js";
import { hashToken, newTokenSecret } from "../auth/apiTokens.js";
import { clientNetwork } from "../auth/clientNetwork.js";
import { assertPasswordAllowed } from "../auth/passwordRules.js";
import type { Sessions } from "../auth/sessions.js";
import { AppError } from "../errors.js";
import { parse } from "../http/validate.js";
import { principalOf, requireAuth, type Principal } from "../http/authenticate.js";

/** A credential that stopped being valid: whatever it opened (sockets) must close. */
export type RevokedCredential = { sessionId: string } | { tokenId: string };

export interface AuthRoutesDeps {
  store: Store;
  sessions: Sessions;
  passwords: Passwords;
  loginThrottle: LoginThrottle;
  signupLimit: ActionLimit;
  onRevoked: (credential: RevokedCredential) => void;
}

const invalidCredentials = () => new AppError("invalid_credentials", "email or password is wrong");
const notFound = (what: string) => new AppError("not_found", what);

export function authRoutes({ store, sessions, passwords, loginThrottle, signupLimit, onRevoked }: AuthRoutesDeps): Router {
  const router = Router();

  /**
   * Checks email+password with throttling and equal timing for unknown emails and wrong passwords.
   * The attempt is counted before the check and given back if it was right or never made.
   */
  async function verifyCredentials(req: Request, email: string, password: string): Promise<User> {
    const client = clientNetwork(req.ip);
    const attempt = await loginThrottle.reserve(email, client);
    let record: UserRecord | null;
    let ok: boolean;
    try {
      record = await store.users.findByEmail(email);
      // bcrypt ignores bytes past 72: such a password must never match by its first 72 bytes.
      const tooLong = utf8Length(password) > PASSWORD_MAX_BYTES;
      ok = await passwords.verify(password, tooLong ? null : (record?.passwordHash ?? null), client);
    } catch (err) {
      await attempt.abandoned().catch((refundErr: unknown) => req.log.warn({ err: refundErr }, "giving back a sign-in attempt failed"));
      throw err;
    }
    if (!ok || !record) {
      req.log.info({ event: "login_failed" }, "sign-in failed");
      throw invalidCredentials();
    }
    await attempt.succeeded();
    return { id: record.id, email: record.email };
  }

  /** A new session at every sign-in; the one the request came with (if any) ends. */
  async function startSession(req: Request, res: Response, user: User): Promise<void> {
    const previous = req.principal?.via === "session" ? { id: req.principal.sessionId, userId: req.principal.user.id } : null;
    await sessions.start(req, res, user.id, previous);
    if (previous !== null) onRevoked({ sessionId: previous.id });
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
    const user = await verifyCredentials(req, email, password);
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
      onRevoked({ sessionId: principal.sessionId });
    } else {
      await store.tokens.delete(principal.user.id, principal.tokenId);
      onRevoked({ tokenId: principal.tokenId });
    }
    req.log.info({ userId: principal.user.id, event: "logout", via: principal.via }, "signed out");
  }

  router.get("/me", requireAuth, (req, res) => {
    res.json({ user: principalOf(req).user } satisfies UserResponse);
  });

  router.post("/tokens", async (req, res) => {
    const { email, password, name } = parse(CreateTokenBody, req.body);
    const user = await verifyCredentials(req, email, password);
    const token = newTokenSecret();
    const info = await store.tokens.create({ userId: user.id, name, tokenHash: hashToken(token), createdAt: new Date().toISOString() });
    req.log.info({ userId: user.id, tokenId: info.id, event: "token_created" }, "API token created");
    res.status(201).json({ token, info } satisfies CreateTokenResponse);
  });

  router.get("/tokens", requireAuth, async (req, res) => {
    const tokens = await store.tokens.list(principalOf(req).user.id);
    res.json({ tokens } satisfies TokenListResponse);
  });

  router.delete("/tokens/:id", requireAuth, async (req, res) => {
    const { user } = principalOf(req);
    const id = typeof req.params.id === "string" ? req.params.id : "";
    if (!(await store.tokens.delete(user.id, id))) throw notFound("no such token");
    onRevoked({ tokenId: id });
    req.log.info({ userId: user.id, tokenId: id, event: "token_revoked" }, "API token revoked");
    res.status(204).end();
  });

  return router;
}
