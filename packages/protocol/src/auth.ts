import { z } from "zod";
import { UserId } from "./ids.js";

export const EMAIL_MAX = 254;
/** The shortest password, counted in characters (Unicode code points), as people count them. */
export const PASSWORD_MIN_CHARS = 8;
/** @deprecated the minimum is counted in characters: use PASSWORD_MIN_CHARS. */
export const PASSWORD_MIN_BYTES = PASSWORD_MIN_CHARS;
/** bcrypt reads at most 72 bytes of a password; longer ones are refused rather than truncated. */
export const PASSWORD_MAX_BYTES = 72;
export const TOKEN_NAME_MAX = 100;

/** UTF-8 byte length, computed here because this package runs in browsers and Node alike. */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(EMAIL_MAX, `email must be at most ${EMAIL_MAX} characters`)
  .pipe(z.email("email is not a valid address"));

/**
 * The length rules of a new password, in words a person uses: at least 8 characters; at most 72
 * characters of plain letters and digits, fewer with accented letters or emoji (bcrypt's limit is
 * 72 UTF-8 bytes). The server also refuses common passwords and the account's own email
 * (`apps/server/src/auth/passwordRules.ts`), which needs a list too big for the browser.
 */
export const Password = z
  .string()
  .refine((p) => [...p].length >= PASSWORD_MIN_CHARS, {
    message: `password must be at least ${PASSWORD_MIN_CHARS} characters`,
  })
  .refine((p) => utf8Length(p) <= PASSWORD_MAX_BYTES, {
    message: `password is too long: at most ${PASSWORD_MAX_BYTES} characters, fewer with accented letters or emoji`,
  });

export const Credentials = z.strictObject({ email: Email, password: Password });
export type Credentials = z.infer<typeof Credentials>;

/** Sign-in checks only the shape: a wrong length simply fails to match, with the usual 401. */
export const LoginBody = z.strictObject({
  email: Email,
  password: z.string().min(1).max(1024),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const User = z.object({ id: UserId, email: z.string() });
export type User = z.infer<typeof User>;

export const UserResponse = z.object({ user: User });
export type UserResponse = z.infer<typeof UserResponse>;

/** An API token lives this many days unless its creator asks for another number. */
export const TOKEN_EXPIRY_DEFAULT_DAYS = 90;
/** The longest an API token may live, in days. */
export const TOKEN_EXPIRY_MAX_DAYS = 365;

export const CreateTokenBody = LoginBody.extend({
  name: z.string().trim().min(1).max(TOKEN_NAME_MAX),
  /** Days until the token expires: a whole number, 1–TOKEN_EXPIRY_MAX_DAYS (default TOKEN_EXPIRY_DEFAULT_DAYS). */
  expiresInDays: z
    .number()
    .int("expiresInDays must be a whole number")
    .min(1, "expiresInDays must be at least 1")
    .max(TOKEN_EXPIRY_MAX_DAYS, `expiresInDays must be at most ${TOKEN_EXPIRY_MAX_DAYS}`)
    .default(TOKEN_EXPIRY_DEFAULT_DAYS),
});
export type CreateTokenBody = z.infer<typeof CreateTokenBody>;

export const TokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  /** After this the token answers 401 and its sockets close. */
  expiresAt: z.iso.datetime(),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

/** The secret is shown once, at creation; the server keeps only its hash. */
export const CreateTokenResponse = z.object({ token: z.string(), info: TokenInfo });
export type CreateTokenResponse = z.infer<typeof CreateTokenResponse>;

export const TokenListResponse = z.object({ tokens: z.array(TokenInfo) });
export type TokenListResponse = z.infer<typeof TokenListResponse>;
