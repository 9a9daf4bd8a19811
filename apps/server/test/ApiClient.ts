import type { User } from "@tandem/protocol";

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * A tiny HTTP client that behaves like one browser tab (or one native client): it keeps the
 * session cookie it is given, and sends its device id and bearer token when it has them.
 */
export class ApiClient {
  cookie: string | undefined;
  bearer: string | undefined;
  readonly deviceId: string | undefined;
  readonly origin: string | undefined;

  constructor(
    readonly baseUrl: string,
    options: { deviceId?: string; origin?: string } = {},
  ) {
    this.deviceId = options.deviceId;
    this.origin = options.origin;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: { json?: unknown; body?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    if (this.deviceId) headers["x-device-id"] = this.deviceId;
    if (this.origin) headers.origin = this.origin;
    let body: string | undefined = options.body;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    Object.assign(headers, options.headers);
    const res = await fetch(this.baseUrl + path, { method, headers, body, redirect: "manual" });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      // Production names it __Host-tandem.sid (Secure cookies), development tandem.sid.
      if (pair !== undefined && /^(__Host-)?tandem\.sid=/.test(pair)) this.cookie = /Expires=Thu, 01 Jan 1970/i.test(cookie) ? undefined : pair;
    }
    const text = await res.text();
    let parsed: unknown = text;
    if (res.headers.get("content-type")?.includes("application/json") && text) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  /** Shares a session cookie, as a browser behind a router does when it lands on another instance. */
  withCookie(cookie: string | undefined): this {
    this.cookie = cookie;
    return this;
  }

  get<T = unknown>(path: string) {
    return this.request<T>("GET", path);
  }
  post<T = unknown>(path: string, json?: unknown) {
    return this.request<T>("POST", path, json === undefined ? {} : { json });
  }
  patch<T = unknown>(path: string, json: unknown) {
    return this.request<T>("PATCH", path, { json });
  }
  delete<T = unknown>(path: string) {
    return this.request<T>("DELETE", path);
  }

  /** Signs up (which also signs in) and returns the new user. */
  async signup(email: string, password = "correct horse battery"): Promise<User> {
    const res = await this.post<{ user: User }>("/api/auth/signup", { email, password });
    if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.user;
  }
}
