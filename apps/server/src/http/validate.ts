import type { z } from "zod";
import { AppError } from "../errors.js";

/** Parses with a protocol schema; a failure is `validation_failed` listing every problem by path. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, what = "request body"): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
  throw new AppError("validation_failed", `the ${what} is not valid`, { details });
}
