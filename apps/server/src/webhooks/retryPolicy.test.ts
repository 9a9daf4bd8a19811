import { describe, expect, it } from "vitest";
import { backoffDelay, nextOutcome } from "./retryPolicy.js";

const policy = { baseMs: 5000, maxDelayMs: 6 * 3_600_000, giveUpAfterMs: 3 * 86_400_000 };
const NOW = Date.parse("2026-06-01T12:00:00.000Z");

describe("backoffDelay: exponential with full jitter", () => {
  it("draws below base × 2^(failures−1), capped, and can be anything from 0 up to it", () => {
    expect(backoffDelay(1, policy, () => 0.999_999)).toBe(4999);
    expect(backoffDelay(2, policy, () => 0.999_999)).toBe(9999);
    expect(backoffDelay(5, policy, () => 0.5)).toBe(40_000);
    expect(backoffDelay(1, policy, () => 0)).toBe(0);
    expect(backoffDelay(40, policy, () => 0.999_999)).toBe(Math.floor(0.999_999 * policy.maxDelayMs));
    expect(backoffDelay(10_000, policy, () => 0.5)).toBe(policy.maxDelayMs / 2);
  });

  it("with the defaults, a failing endpoint is tried about 36 times before three days have passed (at the mean wait)", () => {
    let elapsed = 0;
    let failures = 0;
    while (elapsed < policy.giveUpAfterMs) elapsed += backoffDelay(++failures, policy, () => 0.5);
    expect(failures).toBe(36);
  });
});

describe("nextOutcome", () => {
  const first = { attempt: 1, failingSince: null, now: NOW };
  it("delivers on any 2xx", () => {
    for (const status of [200, 201, 202, 204, 299]) expect(nextOutcome({ status }, first, policy)).toEqual({ kind: "delivered" });
  });

  it("disables at once on 410 Gone", () => {
    expect(nextOutcome({ status: 410 }, first, policy)).toEqual({ kind: "disable", reason: "the endpoint answered 410 Gone" });
  });

  it("retries any other answer, a network error or a timeout, after the backoff for this attempt", () => {
    for (const result of [{ status: 500 }, { status: 301 }, { status: 404 }, { status: 429 }, { error: "timed out after 10000 ms" }]) {
      expect(nextOutcome(result, { attempt: 3, failingSince: null, now: NOW }, policy, () => 0.5)).toEqual({ kind: "retry", at: NOW + 10_000 });
    }
  });

  it("disables once the endpoint has been failing for giveUpAfterMs, saying why", () => {
    const since = new Date(NOW - policy.giveUpAfterMs).toISOString();
    expect(nextOutcome({ status: 503 }, { attempt: 20, failingSince: since, now: NOW }, policy)).toEqual({
      kind: "disable",
      reason: "no successful delivery for 3 days (last: HTTP 503)",
    });
    const almost = new Date(NOW - policy.giveUpAfterMs + 1).toISOString();
    expect(nextOutcome({ error: "ECONNREFUSED" }, { attempt: 20, failingSince: almost, now: NOW }, policy).kind).toBe("retry");
  });
});
