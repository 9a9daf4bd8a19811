import { ApiError, errorMessage } from "../../api/errors";

export type CredentialField = "email" | "password";
export type FieldErrors = Partial<Record<CredentialField, string>>;

export interface AuthFailure {
  /** For the form's alert: always the server's own message when it sent one. */
  message: string;
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
  const wait = error.retryAfterSeconds;
  const message =
    error.code === "too_many_requests" && wait !== null
      ? `${sentence(error.message)} Try again in ${formatWait(wait)}.`
      : sentence(error.message);
  return { message, fields };
}

/** Schema messages are written lower-case ("email is not a valid address"); the UI shows sentences. */
export function sentence(message: string): string {
  return message.length === 0 ? message : message[0]?.toUpperCase() + message.slice(1);
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
