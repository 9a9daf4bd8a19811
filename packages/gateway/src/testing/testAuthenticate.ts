import type { IncomingMessage } from "node:http";
import type { AuthResult } from "../GatewayOptions.js";

/** What {@link testAuthenticate} attaches to a socket. */
export interface TestSocketData {
  readonly token: string;
}

/**
 * A stand-in for an application's authenticate, driven by the query string so each test says
 * what it wants in the URL: `?token=k&tags=a,b&id=s1`. No token → 401; `token=throw` → throws.
 * The token is the limit key.
 */
export async function testAuthenticate(req: IncomingMessage): Promise<AuthResult<TestSocketData>> {
  const query = new URL(req.url ?? "/", "http://localhost").searchParams;
  const token = query.get("token");
  if (token === null || token === "") return { ok: false, status: 401, message: "no token" };
  if (token === "throw") throw new Error("authenticate blew up");
  const tags = (query.get("tags") ?? "").split(",").filter((tag) => tag !== "");
  return { ok: true, tags, id: query.get("id") ?? undefined, limitKey: token, data: { token } };
}
