import { describe, expect, it } from "vitest";
import { formatRelative, nextChangeIn } from "./relativeTime";

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const ago = (ms: number) => NOW - ms;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe("formatRelative", () => {
  it("says 'just now' within a minute, and for a clock slightly ahead", () => {
    expect(formatRelative(ago(0), NOW)).toBe("just now");
    expect(formatRelative(ago(59_999), NOW)).toBe("just now");
    expect(formatRelative(NOW + 5_000, NOW)).toBe("just now");
  });

  it("counts whole units, the largest that fits", () => {
    expect(formatRelative(ago(MINUTE), NOW)).toBe("1 minute ago");
    expect(formatRelative(ago(2 * MINUTE + 59_000), NOW)).toBe("2 minutes ago");
    expect(formatRelative(ago(HOUR), NOW)).toBe("1 hour ago");
    expect(formatRelative(ago(5 * HOUR), NOW)).toBe("5 hours ago");
    expect(formatRelative(ago(DAY), NOW)).toBe("yesterday");
    expect(formatRelative(ago(3 * DAY), NOW)).toBe("3 days ago");
    expect(formatRelative(ago(15 * DAY), NOW)).toBe("2 weeks ago");
    expect(formatRelative(ago(400 * DAY), NOW)).toBe("last year");
  });
});

describe("nextChangeIn", () => {
  it("is when the text next changes", () => {
    expect(nextChangeIn(ago(10_000), NOW)).toBe(50_000);
    expect(nextChangeIn(ago(2 * MINUTE + 15_000), NOW)).toBe(45_000);
    expect(nextChangeIn(ago(HOUR + 10 * MINUTE), NOW)).toBe(50 * MINUTE);
    // The text really does change then.
    const then = ago(2 * MINUTE + 15_000);
    expect(formatRelative(then, NOW + nextChangeIn(then, NOW) - 1)).toBe("2 minutes ago");
    expect(formatRelative(then, NOW + nextChangeIn(then, NOW))).toBe("3 minutes ago");
  });
});
