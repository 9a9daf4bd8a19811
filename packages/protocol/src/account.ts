import { z } from "zod";
import { Email, Password } from "./auth.js";
import { Device } from "./devices.js";
import { Todo } from "./todos.js";

/** A password that is only compared, never stored: any length reaches the (throttled) check. */
const GivenPassword = z.string().min(1, "give the password").max(1024);

/**
 * `POST /api/account/password`: the new password follows the sign-up rules. Every other session
 * and every token is revoked; the current session goes on under a new id (a new cookie).
 */
export const ChangePasswordBody = z.strictObject({
  currentPassword: GivenPassword,
  newPassword: Password,
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

/** `DELETE /api/account`: the password again, so a forgotten open tab cannot delete an account. */
export const DeleteAccountBody = z.strictObject({ password: GivenPassword });
export type DeleteAccountBody = z.infer<typeof DeleteAccountBody>;

/** `GET /api/account/export` (a download, `Content-Disposition: attachment`). */
export const AccountExport = z.object({
  exportedAt: z.iso.datetime(),
  account: z.object({ email: z.string(), createdAt: z.iso.datetime() }),
  devices: z.array(Device),
  todos: z.array(Todo),
});
export type AccountExport = z.infer<typeof AccountExport>;

// ---- forgotten password

/** The web app's page a reset link opens: `<public origin>/reset-password?token=…`. */
export const PASSWORD_RESET_PAGE_PATH = "/reset-password";
export const PASSWORD_RESET_TOKEN_PARAM = "token";
/** Longest reset token the server reads (its tokens are much shorter). */
export const PASSWORD_RESET_TOKEN_MAX = 200;

/** `POST /api/auth/password-reset` → always 202, whether or not the email has an account. */
export const PasswordResetRequestBody = z.strictObject({
  email: Email,
});
export type PasswordResetRequestBody = z.infer<typeof PasswordResetRequestBody>;

/** `POST /api/auth/password-reset/confirm` → 204; the token is spent, every session and token revoked. */
export const PasswordResetConfirmBody = z.strictObject({
  token: z.string().min(1, "give the token from the link").max(PASSWORD_RESET_TOKEN_MAX),
  newPassword: Password,
});
export type PasswordResetConfirmBody = z.infer<typeof PasswordResetConfirmBody>;
