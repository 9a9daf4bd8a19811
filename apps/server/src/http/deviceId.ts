import type { Request } from "express";
import { DEVICE_ID_HEADER, DeviceId } from "@tandem/protocol";
import { AppError } from "../errors.js";

/**
 * The device id a request names in `X-Device-Id` (writes stamp it on their changes, a socket grant
 * tags the socket with it), or null when it names none. A malformed one is refused, the same way
 * on every route: `validation_failed`, with the problem in `details`.
 */
export function deviceIdOf(req: Request): DeviceId | null {
  const raw = req.headers[DEVICE_ID_HEADER];
  if (raw === undefined) return null;
  const parsed = DeviceId.safeParse(raw);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({ path: "X-Device-Id", message: issue.message }));
  throw new AppError("validation_failed", "the X-Device-Id header is not valid", { details });
}
