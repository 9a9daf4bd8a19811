import { sentence, type CredentialField, type FieldErrors } from "./authFailure";

/** What the form needs of a protocol schema (`Credentials`, `LoginBody`): zod's safeParse. */
export interface CredentialsSchema<T> {
  safeParse(data: unknown):
    | { success: true; data: T }
    | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } };
}

export interface CredentialValues {
  email: string;
  password: string;
}

export type Validation<T> = { ok: true; body: T } | { ok: false; errors: FieldErrors };

const EMPTY_MESSAGES: Readonly<Record<CredentialField, string>> = {
  email: "Enter your email address.",
  password: "Enter your password.",
};

/**
 * Checks the form against the same schema the server applies, so the inline messages and
 * the server's verdict can never disagree. An empty field gets a plainer message than the
 * schema's length rule.
 */
export function validateCredentials<T>(schema: CredentialsSchema<T>, values: CredentialValues): Validation<T> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, body: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if ((field === "email" || field === "password") && errors[field] === undefined) {
      errors[field] = values[field].trim() === "" ? EMPTY_MESSAGES[field] : sentence(issue.message);
    }
  }
  return { ok: false, errors };
}
