import { DEVICE_ID_HEADER, ErrorBody } from "@tandem/protocol";
import { ApiError, NetworkError } from "./errors";

/**
 * The one thing this client needs of a schema: zod's `safeParse`. Declared structurally so the
 * app uses the protocol's schemas without importing zod itself.
 */
export interface Parser<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false };
}

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

export interface HttpClient {
  /** Sends a request and parses its JSON answer with `schema`. */
  json<T>(method: Method, path: string, schema: Parser<T>, body?: unknown, headers?: Readonly<Record<string, string>>): Promise<T>;
  /** Sends a request whose successful answer has no body (204). */
  empty(method: Method, path: string, body?: unknown, headers?: Readonly<Record<string, string>>): Promise<void>;
}

export interface HttpOptions {
  deviceId: string;
  fetch?: typeof fetch;
}

export function createHttpClient({ deviceId, fetch: doFetch = globalThis.fetch.bind(globalThis) }: HttpOptions): HttpClient {
  async function request(method: Method, path: string, body: unknown, extra: Readonly<Record<string, string>> = {}): Promise<Response> {
    // Every request names this tab: writes need it (the server stamps the change with it) and
    // the socket grant tags the socket with it; on reads it is harmless.
    const headers: Record<string, string> = { ...extra, Accept: "application/json", [DEVICE_ID_HEADER]: deviceId };
    if (body !== undefined) headers["Content-Type"] = "application/json";

    let response: Response;
    try {
      response = await doFetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
      });
    } catch {
      // fetch rejects only when no response arrived at all (offline, DNS, connection reset).
      throw new NetworkError();
    }
    if (!response.ok) throw await toApiError(response);
    return response;
  }

  return {
    async json(method, path, schema, body, headers) {
      const response = await request(method, path, body, headers);
      const parsed = schema.safeParse(await readJson(response));
      if (!parsed.success) {
        throw new ApiError(response.status, "internal", "The server sent an answer this app doesn't understand.");
      }
      return parsed.data;
    },
    async empty(method, path, body, headers) {
      await request(method, path, body, headers);
    },
  };
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get("Retry-After"));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  const parsed = ErrorBody.safeParse(await readJson(response));
  if (parsed.success) {
    const { code, message, details, current } = parsed.data.error;
    return new ApiError(response.status, code, message, details ?? [], retryAfterSeconds, current ?? null);
  }
  // No error body: a proxy or load balancer answered (the dev proxy says 502/504 while the API
  // restarts), so the app server itself never saw the request. Worth trying again.
  if (response.status >= 500) {
    return new ApiError(response.status, "unavailable", "The server is unavailable. Retrying…", [], retryAfterSeconds);
  }
  return new ApiError(response.status, "bad_request", `The server refused the request (${response.status}).`);
}
