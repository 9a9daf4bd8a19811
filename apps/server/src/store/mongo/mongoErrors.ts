import mongoose from "mongoose";
import { emailTaken, storeUnavailable } from "../storeErrors.js";

/**
 * Driver errors that mean "no usable server right now" rather than "this request is wrong".
 * Matched by name as well as by class, so an error from another copy of the driver (the hoisted
 * `mongodb` beside the one mongoose pins) or an error-like object is recognised too.
 * https://www.mongodb.com/docs/drivers/node/current/fundamentals/errors/
 */
const UNAVAILABLE_NAMES = new Set([
  "MongoServerSelectionError",
  "MongooseServerSelectionError",
  "MongoNetworkError",
  "MongoNetworkTimeoutError",
  "MongoPoolClearedError",
  "MongoNotConnectedError",
  "MongoTopologyClosedError",
]);

/**
 * Server error codes of a replica set in transition or a server going down: the request may
 * well succeed a moment later, on the new primary.
 * https://github.com/mongodb/mongo/blob/master/src/mongo/base/error_codes.yml
 */
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

const DUPLICATE_KEY = 11000;

/** Properties of a driver error this module reads; everything else about `err` is unknown. */
interface ErrorFields {
  name?: unknown;
  code?: unknown;
  keyPattern?: unknown;
}

function fields(err: unknown): ErrorFields {
  return typeof err === "object" && err !== null ? (err as ErrorFields) : {};
}

/** A unique-index violation, e.g. an email or a todo id that is already taken. */
export function isDuplicateKey(err: unknown): boolean {
  return fields(err).code === DUPLICATE_KEY;
}

/** The fields of the unique index a duplicate-key error broke (`{ email: 1 }`). */
function duplicateKeyFields(err: unknown): string[] {
  const { keyPattern } = fields(err);
  return typeof keyPattern === "object" && keyPattern !== null ? Object.keys(keyPattern) : [];
}

export function isUnavailable(err: unknown): boolean {
  const { name, code } = fields(err);
  return (
    err instanceof mongoose.mongo.MongoNetworkError ||
    err instanceof mongoose.mongo.MongoServerSelectionError ||
    err instanceof mongoose.mongo.MongoNotConnectedError ||
    err instanceof mongoose.mongo.MongoTopologyClosedError ||
    err instanceof mongoose.Error.MongooseServerSelectionError ||
    (typeof name === "string" && UNAVAILABLE_NAMES.has(name)) ||
    (typeof code === "number" && UNAVAILABLE_CODES.has(code))
  );
}

/**
 * Maps a driver or mongoose error to the store's errors: a taken email, or an unreachable
 * database. Anything else (a duplicate todo id included: the todos domain decides what that
 * means) is returned unchanged.
 */
export function toStoreError(err: unknown): unknown {
  if (isDuplicateKey(err) && duplicateKeyFields(err).includes("email")) return emailTaken();
  if (isUnavailable(err)) return storeUnavailable(err);
  return err;
}

/** Runs `op`, turning driver errors into the store's errors (see toStoreError). */
export async function withStoreErrors<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw toStoreError(err);
  }
}
