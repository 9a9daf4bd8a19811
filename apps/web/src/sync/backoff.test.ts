import { describe, expect, it } from "vitest";
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay } from "./backoff";

describe("backoffDelay", () => {
  it("draws from [0, base·2^attempt): the top of the range doubles per attempt", () => {
    const justBelowOne = () => 0.999_999;
    expect(backoffDelay(0, justBelowOne)).toBe(BACKOFF_BASE_MS - 1);
    expect(backoffDelay(1, justBelowOne)).toBe(2 * BACKOFF_BASE_MS - 1);
    expect(backoffDelay(3, justBelowOne)).toBe(8 * BACKOFF_BASE_MS - 1);
  });

  it("never exceeds the cap, however many attempts failed", () => {
    for (const attempt of [5, 6, 10, 30, 1_000, Number.MAX_SAFE_INTEGER]) {
      const delay = backoffDelay(attempt, () => 0.999_999);
      expect(delay).toBeLessThan(BACKOFF_CAP_MS);
      expect(delay).toBeGreaterThan(BACKOFF_CAP_MS - 1_000);
    }
  });

  it("is full jitter: the whole range from 0 to the ceiling is used", () => {
    expect(backoffDelay(4, () => 0)).toBe(0);
    expect(backoffDelay(4, () => 0.5)).toBe(4_000);
    expect(backoffDelay(20, () => 0.5)).toBe(BACKOFF_CAP_MS / 2);
  });

  it("stays within [0, cap] for random draws", () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelay(attempt);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
        expect(Number.isInteger(delay)).toBe(true);
      }
    }
  });

  it("treats a negative attempt as the first", () => {
    expect(backoffDelay(-3, () => 0.999_999)).toBe(BACKOFF_BASE_MS - 1);
  });
});
