import { TodoResponse } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import { makeTodo } from "../testing/fixtures";
import { ApiError, isRetryable, NetworkError } from "./errors";
import { createHttpClient } from "./http";

interface Call {
  url: string;
  init: RequestInit;
}

function client(respond: () => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return respond();
  };
  return { calls, http: createHttpClient({ deviceId: "web-device-1", fetch }) };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

describe("createHttpClient", () => {
  it("sends the device id on every request and a JSON content type only with a body", async () => {
    const todo = makeTodo();
    const { http, calls } = client(() => json(201, { todo }));
    await http.json("POST", "/api/todos", TodoResponse, { text: "milk" });
    await http.json("GET", "/api/todos/x", TodoResponse);
    const [post, get] = calls.map((c) => new Headers(c.init.headers));
    expect(post?.get("x-device-id")).toBe("web-device-1");
    expect(post?.get("content-type")).toBe("application/json");
    expect(calls[0]?.init.body).toBe(JSON.stringify({ text: "milk" }));
    expect(get?.get("x-device-id")).toBe("web-device-1");
    expect(get?.has("content-type")).toBe(false);
  });

  it("parses the answer with the protocol schema and refuses one that does not match", async () => {
    const todo = makeTodo();
    await expect(client(() => json(200, { todo })).http.json("GET", "/x", TodoResponse)).resolves.toEqual({ todo });
    await expect(client(() => json(200, { todo: { id: 1 } })).http.json("GET", "/x", TodoResponse)).rejects.toMatchObject({
      code: "internal",
    });
  });

  it("turns an error body into an ApiError with the server's code, message, details and Retry-After", async () => {
    const body = { error: { code: "too_many_requests", message: "Too many attempts", details: [] } };
    const { http } = client(() => json(429, body, { "Retry-After": "30" }));
    const error = await http.empty("POST", "/api/auth/login", {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: "too_many_requests", message: "Too many attempts", retryAfterSeconds: 30 });
    expect(isRetryable(error)).toBe(true);
  });

  it("reads a bodiless 5xx (a proxy's answer) as unavailable, and a rejected fetch as a NetworkError", async () => {
    const proxy = await client(() => new Response("Bad Gateway", { status: 502 }))
      .http.empty("DELETE", "/api/todos/x")
      .catch((e: unknown) => e);
    expect(proxy).toMatchObject({ code: "unavailable", status: 502 });
    const offline = await client(() => Promise.reject(new TypeError("Failed to fetch")))
      .http.empty("DELETE", "/api/todos/x")
      .catch((e: unknown) => e);
    expect(offline).toBeInstanceOf(NetworkError);
    expect(isRetryable(offline)).toBe(true);
  });

  it("does not count validation or internal errors as retryable", () => {
    expect(isRetryable(new ApiError(400, "validation_failed", "bad"))).toBe(false);
    expect(isRetryable(new ApiError(500, "internal", "bug"))).toBe(false);
    expect(isRetryable(new ApiError(404, "not_found", "gone"))).toBe(false);
  });
});
