import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { AttemptResult } from "./retryPolicy.js";
import { AddressRefused, resolveTarget, type Resolve } from "./targetAddress.js";

export interface SendOptions {
  /** The whole attempt, from resolving the host to the end of the answer read (WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
  /** How much of the answer's body to keep (WEBHOOK_RESPONSE_MAX_BYTES); the rest is not read. */
  maxResponseBytes: number;
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS. */
  allowPrivate: boolean;
  resolve?: Resolve;
}

export type SendResult = AttemptResult & { readonly responseBody: string | null };

/**
 * POSTs one delivery. The host is resolved and checked once (targetAddress.ts) and the socket
 * connects to exactly that address (the request's `lookup` hands it back), so a DNS answer that
 * changes between the check and the connect (DNS rebinding) cannot redirect it; TLS still checks
 * the certificate against the host name. Redirects are not followed (node's client never does): a
 * 3xx is a failed attempt like any other non-2xx. Never throws: every failure is a result.
 */
export async function sendWebhook(url: URL, headers: Record<string, string>, body: string, options: SendOptions): Promise<SendResult> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  try {
    const target = await Promise.race([resolveTarget(url.hostname, options.allowPrivate, options.resolve), aborted(deadline)]);
    const lookup: LookupFunction = (_host, opts, callback) => {
      // Node asks with `all: true` when it races IPv4 and IPv6 (autoSelectFamily).
      if (opts.all) callback(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    return await post(url, headers, body, lookup, deadline, options.maxResponseBytes);
  } catch (err) {
    return { error: describe(err, options.timeoutMs), responseBody: null };
  }
}

function post(url: URL, headers: Record<string, string>, body: string, lookup: LookupFunction, signal: AbortSignal, maxBytes: number): Promise<SendResult> {
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "Tandem-Webhooks/1" },
        lookup,
        signal,
        // One connection per attempt: a pooled socket would have been checked for another URL.
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        const finish = () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: response.statusCode ?? 0, responseBody: text === "" ? null : text });
          // Whatever is past the cap is never read: the connection is not reused.
          response.destroy();
        };
        response.on("data", (chunk: Buffer) => {
          const room = maxBytes - kept;
          if (room > 0) chunks.push(chunk.subarray(0, room));
          kept += Math.min(chunk.length, Math.max(room, 0));
          if (kept >= maxBytes) finish();
        });
        response.on("end", finish);
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
}

function describe(err: unknown, timeoutMs: number): string {
  if (err instanceof AddressRefused) return `refused: ${err.message}`;
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) return `timed out after ${timeoutMs} ms`;
  const code = (err as { code?: unknown }).code;
  if (err instanceof Error) return typeof code === "string" ? `${code}: ${err.message}` : err.message;
  return String(err);
}
