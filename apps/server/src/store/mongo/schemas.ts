import { Schema, Types } from "mongoose";
import type { ChangeEvent } from "@tandem/protocol";

/** The ObjectId a user or token id stands for; null for a string that cannot be one (so: not found). */
export function objectId(id: string): Types.ObjectId | null {
  return /^[0-9a-fA-F]{24}$/.test(id) ? new Types.ObjectId(id) : null;
}

/**
 * The MongoDB documents behind `MongoStore`, with exactly the indexes its queries use.
 *
 * Every schema refuses what it does not describe (`strict: "throw"` for writes, `strictQuery:
 * "throw"` for filters) so a typo fails loudly instead of silently storing or matching nothing,
 * and never buffers (`bufferCommands: false`): with the database down an operation fails at
 * once and the HTTP layer answers 503, instead of hanging for mongoose's 10 s buffer timeout.
 * Collections and indexes are created explicitly by `MongoStore.init()`, not behind our back.
 */
const COMMON = {
  strict: "throw",
  strictQuery: "throw",
  bufferCommands: false,
  autoCreate: false,
  autoIndex: false,
  versionKey: false,
} as const;

export interface UserDoc {
  _id: Types.ObjectId;
  email: string;
  passwordHash: string;
  /** The user's change counter: the seq of their latest change (0 before the first). */
  seq: number;
  createdAt: Date;
  updatedAt: Date;
}

export const userSchema = new Schema<UserDoc>(
  {
    email: { type: String, required: true },
    passwordHash: { type: String, required: true },
    seq: { type: Number, required: true, default: 0, min: 0 },
  },
  { ...COMMON, collection: "users", timestamps: true },
);
userSchema.index({ email: 1 }, { unique: true });

export interface SessionDoc {
  /** The keyed hash of the cookie's secret (see auth/sessions.ts). */
  _id: string;
  userId: Types.ObjectId;
  signedInAt: Date;
  expiresAt: Date;
  /** The device (auth/devices.ts): kept when the session moves to a new `_id`. */
  deviceId: string;
  name: string;
  createdAt: Date;
  lastSeenAt: Date;
}

export const sessionSchema = new Schema<SessionDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, ref: "User", required: true },
    signedInAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    deviceId: { type: String, required: true },
    name: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
  },
  { ...COMMON, collection: "browser_sessions" },
);
sessionSchema.index({ userId: 1, deviceId: 1 });
// MongoDB deletes expired sessions itself (within a minute or so); reads also check expiresAt.
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export interface TokenDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  name: string;
  /** SHA-256 of the secret: the secret itself is never stored. */
  tokenHash: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date;
}

export const tokenSchema = new Schema<TokenDoc>(
  {
    userId: { type: Schema.Types.ObjectId, ref: "User", required: true },
    name: { type: String, required: true },
    tokenHash: { type: String, required: true },
    // Set by the caller (auth/apiTokens.ts), hence no mongoose `timestamps` here.
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, default: null },
    expiresAt: { type: Date, required: true },
  },
  { ...COMMON, collection: "tokens" },
);
tokenSchema.index({ tokenHash: 1 }, { unique: true });
tokenSchema.index({ userId: 1, createdAt: 1 });

export interface PasswordResetDoc {
  /** SHA-256 of the link's secret. */
  _id: string;
  userId: Types.ObjectId;
  expiresAt: Date;
}

export const passwordResetSchema = new Schema<PasswordResetDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, ref: "User", required: true },
    expiresAt: { type: Date, required: true },
  },
  { ...COMMON, collection: "password_resets" },
);
passwordResetSchema.index({ userId: 1 });
// MongoDB deletes spent-by-time links itself; `consume` also checks expiresAt.
passwordResetSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export interface TodoDoc {
  /** The client-chosen UUID; global, so every access also filters on `userId`. */
  _id: string;
  userId: Types.ObjectId;
  text: string;
  done: boolean;
  createdAt: Date;
  updatedAt: Date;
  device: string | null;
  version: number;
  /** The user's seq when the todo was created: orders todos created in the same millisecond. */
  createdSeq: number;
}

export const todoSchema = new Schema<TodoDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, ref: "User", required: true },
    text: { type: String, required: true },
    done: { type: Boolean, required: true },
    // Set from the change's clock (todos/todoChanges.ts), hence no mongoose `timestamps` here.
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    device: { type: String, default: null },
    version: { type: Number, required: true, min: 1 },
    createdSeq: { type: Number, required: true, min: 1 },
  },
  { ...COMMON, collection: "todos" },
);
// The list query: one user's todos, oldest first (`createdSeq` breaks ties).
todoSchema.index({ userId: 1, createdAt: 1, createdSeq: 1 });
// Toggle-all and clear-completed take one user's todos by `done`, a chunk at a time in list order
// (todos/bulkChange.ts): from the list index alone each chunk would examine every todo that
// earlier chunks already changed, so a toggle-all over a list at TODOS_MAX_PER_USER examined
// documents quadratically.
todoSchema.index({ userId: 1, done: 1, createdAt: 1, createdSeq: 1 });

export interface EventDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  seq: number;
  /** The envelope exactly as it was returned to the caller and sent to sockets. */
  event: ChangeEvent;
}

export const eventSchema = new Schema<EventDoc>(
  {
    userId: { type: Schema.Types.ObjectId, ref: "User", required: true },
    seq: { type: Number, required: true, min: 1 },
    event: { type: Schema.Types.Mixed, required: true },
  },
  // `minimize: false`: an envelope is stored as given, never with empty objects dropped.
  { ...COMMON, collection: "events", minimize: false },
);
// Catch-up reads `seq > since` in order and trimming deletes `seq <= n`; unique also makes a
// second writer of the same seq fail instead of forking the log.
eventSchema.index({ userId: 1, seq: 1 }, { unique: true });

export interface IdempotencyKeyDoc {
  /** `<userId>:<key>`: keys are per user. */
  _id: string;
  fingerprint: string;
  /** Null while the write that claimed the key is still running. */
  status: number | null;
  body: string | null;
  expiresAt: Date;
  /** Whose key (also the `_id`'s prefix): what the per-user bound counts by. */
  userId?: string;
}

/** The answers to writes sent with an Idempotency-Key (schema step 9; see mongoIdempotency.ts). */
export const idempotencyKeySchema = new Schema<IdempotencyKeyDoc>(
  {
    _id: { type: String, required: true },
    fingerprint: { type: String, required: true },
    status: { type: Number, default: null },
    body: { type: String, default: null },
    expiresAt: { type: Date, required: true },
    userId: { type: String },
  },
  { ...COMMON, collection: "idempotency_keys" },
);
// A user's answered keys, newest first: the per-user bound (IDEMPOTENCY_KEYS_MAX_PER_USER).
idempotencyKeySchema.index({ userId: 1, expiresAt: -1 });
// MongoDB deletes expired keys itself (within a minute or so); claims also check expiresAt.
idempotencyKeySchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
