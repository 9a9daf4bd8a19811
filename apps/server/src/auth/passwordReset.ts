import { createHash, randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { PASSWORD_RESET_PAGE_PATH, PASSWORD_RESET_TOKEN_PARAM, SignOutReason } from "@tandem/protocol";
import { AppError } from "../errors.js";
import type { Store } from "../store/Store.js";
import type { Mailer } from "../mail/Mailer.js";
import type { DeviceRoster } from "../devices/DeviceRoster.js";
import type { ActionLimit } from "./loginThrottle.js";
import type { Passwords } from "./passwords.js";

export interface PasswordResetDeps {
  store: Store;
  /** null: no mail can be sent (production without SMTP_URL), so reset is off. */
  mailer: Mailer | null;
  passwords: Passwords;
  roster: DeviceRoster;
  /** How long a link works (PASSWORD_RESET_TTL_MS). */
  ttlMs: number;
  /** Emails per address (PASSWORD_RESET_MAX_PER_EMAIL_PER_HOUR): over it, a request sends nothing. */
  perEmail: ActionLimit;
  logger: Logger;
}

const hashOf = (secret: string) => createHash("sha256").update(secret).digest("hex");

export const invalidResetToken = () =>
  new AppError("invalid_reset_token", "this reset link is not valid: it was already used, has expired, or was mistyped; ask for a new one");

/**
 * A forgotten password, recovered through the account's email.
 *
 * - The link carries 256 random bits; only their SHA-256 is stored, for `ttlMs` (30 minutes).
 * - A request is answered the same way (202) whether or not the email has an account, and the
 *   lookup and the mail happen after the answer, so neither the answer nor its timing tells.
 * - Using a link spends it and every other link of the account; every session and token of the
 *   account is then revoked (their sockets close with 4001): whoever knew the old password is out.
 */
export class PasswordReset {
  readonly #deps: PasswordResetDeps;

  constructor(deps: PasswordResetDeps) {
    this.#deps = deps;
  }

  get enabled(): boolean {
    return this.#deps.mailer !== null;
  }

  /** Starts a reset for `email` in the background; `origin` is where the link's page is served. */
  request(email: string, origin: string): void {
    void this.#send(email, origin).catch((err: unknown) => this.#deps.logger.error({ err }, "sending a password-reset email failed"));
  }

  async #send(email: string, origin: string): Promise<void> {
    const { store, mailer, perEmail, ttlMs, logger } = this.#deps;
    if (mailer === null) return;
    try {
      await perEmail.consume(email);
    } catch (err) {
      if (err instanceof AppError && err.code === "too_many_requests") {
        logger.info({ event: "password_reset_throttled" }, "password-reset email not sent: too many for this address");
        return;
      }
      throw err;
    }
    const user = await store.users.findByEmail(email);
    if (user === null) return;
    const secret = randomBytes(32).toString("base64url");
    const now = Date.now();
    await store.passwordResets.create({ tokenHash: hashOf(secret), userId: user.id, expiresAt: now + ttlMs }, now);
    const link = `${origin}${PASSWORD_RESET_PAGE_PATH}?${PASSWORD_RESET_TOKEN_PARAM}=${encodeURIComponent(secret)}`;
    const minutes = Math.round(ttlMs / 60_000);
    await mailer.send({
      to: user.email,
      subject: "Reset your Tandem password",
      text: [
        "Someone (we hope you) asked to reset the password of your Tandem account.",
        "",
        `Open this link within ${minutes} minutes to choose a new password:`,
        link,
        "",
        "It works once. Choosing a new password signs out every device signed in to your account.",
        "If you did not ask for this, ignore this email: your password stays as it is.",
      ].join("\n"),
    });
    logger.info({ userId: user.id, event: "password_reset_sent" }, "password-reset email sent");
  }

  /** Sets a new password with a link's token, spending it, and revokes every session and token. */
  async confirm(token: string, newPassword: string, client: string): Promise<string> {
    const { store, passwords, roster } = this.#deps;
    // Hash first: a busy server refuses before the link is spent.
    const passwordHash = await passwords.hash(newPassword, client);
    const userId = await store.passwordResets.consume(hashOf(token), Date.now());
    if (userId === null) throw invalidResetToken();
    await store.users.setPasswordHash(userId, passwordHash);
    await roster.revokeAllBut(userId, null, SignOutReason.PASSWORD_RESET);
    return userId;
  }
}
