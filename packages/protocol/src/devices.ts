import { z } from "zod";

/** Longest device name, in characters (after trimming). */
export const DEVICE_NAME_MAX = 100;

/**
 * What a device is: each browser sign-in (`session`) and each API token (`token`, a native app).
 * Not to be confused with a per-tab device id (`X-Device-Id`, {@link DeviceId}), which only marks
 * who wrote a change.
 */
export const DEVICE_KINDS = ["session", "token"] as const;
export const DeviceKind = z.enum(DEVICE_KINDS);
export type DeviceKind = z.infer<typeof DeviceKind>;

/** An opaque id, stable for the life of the device (a session keeps it across a password change). */
export const DeviceRef = z.string().min(1).max(64);
export type DeviceRef = z.infer<typeof DeviceRef>;

export const DeviceName = z
  .string()
  .trim()
  .min(1, "name must not be empty")
  .max(DEVICE_NAME_MAX, `name must be at most ${DEVICE_NAME_MAX} characters`);

/** One entry of `GET /api/account/devices`. */
export const Device = z.object({
  id: DeviceRef,
  kind: DeviceKind,
  /** A session's: read from its User-Agent ("Chrome on Linux") until renamed; a token's: the name it was created with. */
  name: z.string(),
  createdAt: z.iso.datetime(),
  /** When it last made a request (recorded at most once a minute), or its creation. */
  lastSeenAt: z.iso.datetime(),
  /** True for the device making this request. */
  current: z.boolean(),
  /** Sockets it has open right now, on every instance. */
  online: z.number().int().min(0),
});
export type Device = z.infer<typeof Device>;

/** `GET /api/account/devices`: most recently seen first. */
export const DeviceListResponse = z.object({ devices: z.array(Device) });
export type DeviceListResponse = z.infer<typeof DeviceListResponse>;

/** `PATCH /api/account/devices/:id`. */
export const RenameDeviceBody = z.strictObject({ name: DeviceName });
export type RenameDeviceBody = z.infer<typeof RenameDeviceBody>;

/** `PATCH /api/account/devices/:id` → the device as it now is. */
export const DeviceResponse = z.object({ device: Device });
export type DeviceResponse = z.infer<typeof DeviceResponse>;

// ---- the live roster

export const DEVICES_MESSAGE = "devices";

/** What happened to the roster. */
export const DEVICE_CHANGES = ["added", "online", "offline", "renamed", "revoked"] as const;
export const DeviceChange = z.enum(DEVICE_CHANGES);
export type DeviceChange = z.infer<typeof DeviceChange>;

/**
 * Sent to every socket of a user when their roster changes: a device was added (signed in, token
 * created), came online (its first socket opened), went offline (its last socket closed or died,
 * or the instance holding it is gone), was renamed or revoked. It says what changed, not the
 * whole roster (`current` differs from socket to socket): a client that shows the roster fetches
 * `GET /api/account/devices` again. Several changes close together may each send one.
 */
export const DevicesMessage = z.object({
  type: z.literal(DEVICES_MESSAGE),
  change: DeviceChange,
  /** The device that changed. */
  deviceId: DeviceRef,
});
export type DevicesMessage = z.infer<typeof DevicesMessage>;

export function devicesMessage(change: DeviceChange, deviceId: string): DevicesMessage {
  return { type: DEVICES_MESSAGE, change, deviceId };
}
