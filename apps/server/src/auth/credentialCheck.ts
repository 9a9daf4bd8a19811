import type { Request } from "express";
import { PASSWORD_MAX_BYTES, utf8Length, type User } from "@tandem/protocol";
import type { Store, UserRecord } from "../store/Store.js";
import { AppError } from "../errors.js";
import { clientNetwork } from "./clientNetwork.js";
import type { LoginThrottle } from "./loginThrottle.js";
import type { Passwords } from "./passwords.js";

export const invalidCredentials = () => new AppError("invalid_credentials", "email or password is wrong");

/**
 * Checks an email and password: sign-in, token creation, and the account routes that ask for the
 * password again (change it, delete the account) all go through here, so all are throttled alike.
 * Unknown emails and wrong passwords take equal time. The attempt is counted before the check and
 * given back if it was right or never made.
 */
export class CredentialCheck {
  constructor(
    private readonly store: Store,
    private readonly passwords: Passwords,
    private readonly loginThrottle: LoginThrottle,
  ) {}

  async verify(req: Request, email: string, password: string): Promise<User> {
    const client = clientNetwork(req.ip);
    const attempt = await this.loginThrottle.reserve(email, client);
    let record: UserRecord | null;
    let ok: boolean;
    try {
      record = await this.store.users.findByEmail(email);
      // bcrypt ignores bytes past 72: such a password must never match by its first 72 bytes.
      const tooLong = utf8Length(password) > PASSWORD_MAX_BYTES;
      ok = await this.passwords.verify(password, tooLong ? null : (record?.passwordHash ?? null), client);
    } catch (err) {
      await attempt.abandoned().catch((refundErr: unknown) => req.log.warn({ err: refundErr }, "giving back a sign-in attempt failed"));
      throw err;
    }
    if (!ok || !record) {
      req.log.info({ event: "login_failed" }, "password check failed");
      throw invalidCredentials();
    }
    await attempt.succeeded();
    return { id: record.id, email: record.email };
  }
}
