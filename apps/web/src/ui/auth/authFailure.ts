import { ApiError, errorMessage } from "../../api/errors";

export type CredentialField = "email" | "password";
export type FieldErrors = Partial<Record<CredentialField, string>>;

export interface AuthFailure {
  /**
   * For the form's alert: the server's own message, or null when the failure is about a field
   * and is said under that field instead (said once, where the person is looking).
   */
  message: string | null;
  /** Per-field messages, when the server named the field at fault. */
  fields: FieldErrors;
}

/** Turns a failed sign-in or sign-up into what the form shows. */
export function describeAuthFailure(error: unknown): AuthFailure {
  const fields: FieldErrors = {};
  if (!(error instanceof ApiError)) return { message: errorMessage(error), fields };
  for (const issue of error.details) {
    // The server names fields by path ("email", or "body.email"): the last segment is the field.
    const field = issue.path.split(".").pop();
    if ((field === "email" || field === "password") && fields[field] === undefined) fields[field] = sentence(issue.message);
  }
  if (error.code === "email_taken") fields.email ??= sentence(error.message);
  const aboutFields = fields.email !== undefined || fields.password !== undefined;
  // A refusal's message already says how long to wait ("try again in 15 minutes"), in words.
  return { message: aboutFields ? null : sentence(error.message), fields };
}

/** Schema messages are written lower-case ("email is not a valid address"); the UI shows sentences. */
export function sentence(message: string): string {
  return message.length === 0 ? message : message[0]?.toUpperCase() + message.slice(1);
}
