import { sentence } from "./authFailure";

/** What the forms need of a protocol schema: zod's safeParse with its issue messages. */
export interface FieldSchema<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ message: string }> } };
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Checks one field against the protocol's own rule (the server applies the same one), with a
 * plainer message when it is empty.
 */
export function checkField<T>(schema: FieldSchema<T>, value: string, emptyMessage: string): Checked<T> {
  if (value.trim() === "") return { ok: false, error: emptyMessage };
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: sentence(parsed.error.issues[0]?.message ?? "This value is not valid.") };
}
