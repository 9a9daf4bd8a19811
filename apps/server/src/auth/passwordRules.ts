import { dictionary } from "@zxcvbn-ts/language-common";
import { AppError } from "../errors.js";

/**
 * The commonest passwords, lower-cased: zxcvbn-ts's list of about 49,000 drawn from real breaches
 * (a maintained package rather than a list of our own). Guessing tools try these first, so an
 * account protected by one falls to the few guesses the sign-in throttle allows.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary["passwords-common"].map((p) => p.toLowerCase()));

/**
 * What a new password must not be, beyond the protocol's length rules (which the browser checks
 * too): one of the commonest passwords, or the account's own email (or the part before its @).
 * Compared without regard to case or surrounding spaces, as a guesser would try them.
 *
 * @throws AppError `validation_failed` with the reason under `password`
 */
export function assertPasswordAllowed(password: string, email: string): void {
  const reason = passwordProblem(password, email);
  if (reason !== null) {
    throw new AppError("validation_failed", "the request body is not valid", { details: [{ path: "password", message: reason }] });
  }
}

/** The reason a new password is refused, or null when it is allowed. */
export function passwordProblem(password: string, email: string): string | null {
  const candidate = password.trim().toLowerCase();
  const address = email.trim().toLowerCase();
  const localPart = address.split("@")[0] ?? "";
  if (candidate === address || (localPart.length > 0 && candidate === localPart)) {
    return "password must not be your email address";
  }
  if (COMMON_PASSWORDS.has(candidate)) {
    return "password is one of the most common passwords, which are guessed first; choose another";
  }
  return null;
}
