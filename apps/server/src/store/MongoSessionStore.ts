import type { SessionData } from "express-session";
import { MongoStore as ConnectMongoStore } from "connect-mongo";
import { toStoreError } from "./mongoErrors.js";

type Callback = (err: unknown) => void;

/**
 * connect-mongo's session store, with its errors mapped like every other MongoDB error: a database
 * that is down makes a request fail with 503 (StoreUnavailableError) rather than a 500 from a raw
 * driver error, whichever of the session lookup or the route reached the database first.
 */
export class MongoSessionStore extends ConnectMongoStore {
  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    super.get(sid, (err, session) => callback(err ? toStoreError(err) : null, session));
  }

  override set(sid: string, session: SessionData, callback?: Callback): void {
    super.set(sid, session, (err) => callback?.(err ? toStoreError(err) : null));
  }

  override touch(sid: string, session: SessionData & { lastModified?: Date }, callback?: Callback): void {
    super.touch(sid, session, (err) => callback?.(err ? toStoreError(err) : null));
  }

  override destroy(sid: string, callback?: Callback): void {
    super.destroy(sid, (err) => callback?.(err ? toStoreError(err) : null));
  }
}
