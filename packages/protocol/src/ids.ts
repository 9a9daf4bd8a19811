import { z } from "zod";

/** User ids are opaque strings (a UUID on SQLite, an ObjectId's hex on MongoDB). */
export const UserId = z.string().min(1).max(64);
export type UserId = z.infer<typeof UserId>;

/**
 * A device id names one tab or one native client. It is chosen by the client, so it is
 * kept short and plain: it lands in logs, tags (`device:<id>`) and every change event.
 */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const DeviceId = z
  .string()
  .regex(DEVICE_ID_PATTERN, "device id must be 8-64 characters of A-Z, a-z, 0-9, _ or -");
export type DeviceId = z.infer<typeof DeviceId>;

/** The header every write reads the writer's device id from. */
export const DEVICE_ID_HEADER = "x-device-id";

/** A per-user change counter: 0 before the first change, then +1 per change. */
export const Seq = z.number().int().min(0);
export type Seq = z.infer<typeof Seq>;
