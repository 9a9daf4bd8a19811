import mongoose from "mongoose";

/**
 * The URI with its database replaced, so a run never touches the database the URI named.
 * Credentials authenticate against the URI's database unless `authSource` says otherwise, so
 * that database is kept as the auth source. (Multi-host URIs are not WHATWG URLs: a regex it is.)
 */
export function withDatabase(uri: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/)([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/.exec(uri);
  if (!match) throw new Error("MONGODB_URI is not a mongodb:// or mongodb+srv:// URI");
  const [, scheme = "", authority = "", original = "", query = ""] = match;
  const params = new URLSearchParams(query);
  if (authority.includes("@") && !params.has("authSource")) params.set("authSource", original || "admin");
  const search = params.toString();
  return `${scheme}${authority}/${database}${search ? `?${search}` : ""}`;
}

/** Drops the database a test made (named in `uri`). */
export async function dropDatabase(uri: string): Promise<void> {
  const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5_000 }).asPromise();
  try {
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }
}
