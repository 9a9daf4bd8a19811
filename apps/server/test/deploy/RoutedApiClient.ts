import { ApiClient, type ApiResponse } from "../ApiClient.js";

/**
 * The origin browsers use in the deploy test (the app's PUBLIC_URL): the "router" is this client,
 * which sends every request for it to the current release's port.
 */
export const ROUTED_ORIGIN = "https://tandem.deploy.test";

/**
 * An HTTP client whose requests arrive as a platform's router delivers them: the router ends
 * TLS and says so in `X-Forwarded-Proto: https`. The server trusts one proxy hop, so it treats
 * these requests as secure, sets its `Secure` session cookie and hands out `wss://` socket URIs.
 * Without the header a production server sets no cookie at all.
 */
export class RoutedApiClient extends ApiClient {
  override request<T = unknown>(
    method: string,
    path: string,
    options: { json?: unknown; body?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    return super.request<T>(method, path, { ...options, headers: { "x-forwarded-proto": "https", ...options.headers } });
  }
}
