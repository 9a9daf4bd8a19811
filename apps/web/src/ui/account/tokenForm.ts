import { CreateTokenBody, TOKEN_EXPIRY_MAX_DAYS } from "@tandem/protocol";
import { sentence } from "../auth/authFailure";

export interface TokenFormValues {
  email: string;
  name: string;
  /** As typed in the number field. */
  days: string;
  password: string;
}

export type TokenField = "name" | "expiresInDays" | "password";
export type TokenFormCheck =
  { ok: true; body: CreateTokenBody } | { ok: false; errors: Partial<Record<TokenField, string>> };

const EMPTY: Readonly<Record<TokenField, string>> = {
  name: "Give the token a name.",
  expiresInDays: "Say after how many days it expires.",
  password: "Enter your password.",
};

export const DAYS_RULE = `Enter a whole number of days, from 1 to ${TOKEN_EXPIRY_MAX_DAYS}.`;

/** Checks the form by the protocol's own rule for the body, one message per field. */
export function checkTokenForm({ email, name, days, password }: TokenFormValues): TokenFormCheck {
  const raw = { email, password, name, expiresInDays: days.trim() === "" ? Number.NaN : Number(days) };
  const parsed = CreateTokenBody.safeParse(raw);
  if (parsed.success) return { ok: true, body: parsed.data };
  const errors: Partial<Record<TokenField, string>> = {};
  const empty: Record<TokenField, boolean> = {
    name: name.trim() === "",
    expiresInDays: days.trim() === "",
    password: password === "",
  };
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (field !== "name" && field !== "expiresInDays" && field !== "password") continue;
    // The schema's own words name the wire field ("expiresInDays must…"): say it for people.
    const message = field === "expiresInDays" ? DAYS_RULE : sentence(issue.message);
    errors[field] ??= empty[field] ? EMPTY[field] : message;
  }
  return { ok: false, errors };
}
