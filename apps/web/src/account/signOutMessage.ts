import { SignOutReason } from "@tandem/protocol";

/** When the server ended the session without saying why (a 401 on a request, or an older server). */
export const SESSION_ENDED = "Your session has ended. Please sign in again.";
export const ACCOUNT_DELETED = "Your account was deleted.";
export const PASSWORD_RESET_DONE = "Your password was changed and you were signed out everywhere. Sign in with your new password.";

const MESSAGES: Readonly<Record<string, string>> = {
  [SignOutReason.SIGNED_OUT]: "You signed out in another tab.",
  [SignOutReason.DEVICE_REVOKED]: "You were signed out from another device.",
  [SignOutReason.PASSWORD_CHANGED]: "Your password was changed on another device. Sign in with the new password.",
  [SignOutReason.PASSWORD_RESET]: "Your password was reset. Sign in with the new password.",
  [SignOutReason.ACCOUNT_DELETED]: ACCOUNT_DELETED,
  [SignOutReason.SESSION_EXPIRED]: "Your session expired. Please sign in again.",
};

/**
 * What the sign-in screen says after the server ended this tab's session, from the reason the
 * server gave (the 4001 close frame's reason, a SignOutReason). A reason this app does not know
 * (a newer server) gets the general sentence.
 */
export function signOutMessage(reason: string | null): string {
  return (reason !== null && Object.hasOwn(MESSAGES, reason) ? MESSAGES[reason] : undefined) ?? SESSION_ENDED;
}
