import type { Model } from "mongoose";
import type { IdempotencyStore } from "../Store.js";
import { isDuplicateKey, withStoreErrors } from "./mongoErrors.js";
import type { IdempotencyKeyDoc } from "./schemas.js";

/** Idempotency keys in MongoDB (collection `idempotency_keys`), one document per user and key. */
export function mongoIdempotency(keys: Model<IdempotencyKeyDoc>): IdempotencyStore {
  const idOf = (userId: string, key: string) => `${userId}:${key}`;
  return {
    async claim(userId, key, fingerprint, now, expiresAt) {
      const _id = idOf(userId, key);
      try {
        // Matches only an expired claim (taken over) or nothing (inserted); a live claim makes the
        // upsert's insert break the unique _id, which is how two concurrent claims learn of each other.
        await withStoreErrors(() =>
          keys.updateOne(
            { _id, expiresAt: { $lte: new Date(now) } },
            { $set: { userId, fingerprint, status: null, body: null, expiresAt: new Date(expiresAt) } },
            { upsert: true },
          ),
        );
        return { kind: "claimed" };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const doc = await withStoreErrors(() => keys.findById(_id).lean<IdempotencyKeyDoc>());
      if (doc === null) throw new Error("an idempotency key that refused a claim is gone");
      const answer = doc.status === null ? null : { status: doc.status, body: doc.body ?? "" };
      return { kind: "found", fingerprint: doc.fingerprint, answer };
    },
    async complete(userId, key, answer, expiresAt, keep) {
      await withStoreErrors(() =>
        keys.updateOne({ _id: idOf(userId, key) }, { $set: { status: answer.status, body: answer.body, expiresAt: new Date(expiresAt) } }),
      );
      // The newest `keep` answered keys stay; a concurrent completion at worst leaves one over for the next.
      const answered = { userId, status: { $ne: null } };
      const newest = await withStoreErrors(() =>
        keys.find(answered, { expiresAt: 1 }).sort({ expiresAt: -1 }).skip(keep - 1).limit(1).lean<Pick<IdempotencyKeyDoc, "expiresAt">[]>(),
      );
      const cut = newest[0];
      if (cut !== undefined) await withStoreErrors(() => keys.deleteMany({ ...answered, expiresAt: { $lt: cut.expiresAt } }));
    },
    async release(userId, key) {
      await withStoreErrors(() => keys.deleteOne({ _id: idOf(userId, key) }));
    },
    // MongoDB's TTL index deletes them too; this keeps both adapters alike.
    async deleteExpired(now) {
      const { deletedCount } = await withStoreErrors(() => keys.deleteMany({ expiresAt: { $lte: new Date(now) } }));
      return deletedCount;
    },
  };
}
