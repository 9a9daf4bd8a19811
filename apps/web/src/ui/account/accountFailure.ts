import { ApiError, errorMessage } from "../../api/errors";

export const WRONG_PASSWORD = "That is not your password.";
export const LINK_SPENT = "This link can't be used any more: it was used already, or it expired. Ask for a new one.";

/**
 * A failed account request as a sentence for the form. A 401 `invalid_credentials` here is the
 * password the form asked for (changing it, creating a token, deleting the account), not the
 * session: that one ends the session instead (Account.guard).
 */
export function describeAccountFailure(error: unknown): string {
  if (error instanceof ApiError && error.code === "invalid_credentials") return WRONG_PASSWORD;
  if (error instanceof ApiError && error.code === "invalid_reset_token") return LINK_SPENT;
  return errorMessage(error);
}
