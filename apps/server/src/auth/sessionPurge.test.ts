import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import { startSessionPurge } from "./sessionPurge.js";

const logger = pino({ level: "silent" });

describe("startSessionPurge", () => {
  it("deletes expired sessions at once and then on every tick, until stopped", async () => {
    vi.useFakeTimers();
    try {
      const calls: number[] = [];
      const stop = startSessionPurge({ deleteExpired: async (now) => (calls.push(now), 0) }, logger, 1_000);
      expect(calls).toHaveLength(1);
      vi.advanceTimersByTime(3_000);
      expect(calls).toHaveLength(4);
      expect(calls[3]).toBeGreaterThan(calls[0] ?? Infinity);
      stop();
      vi.advanceTimersByTime(3_000);
      expect(calls).toHaveLength(4);
    } finally {
      vi.useRealTimers();
    }
  });

  it("logs a failed purge and tries again on the next tick", async () => {
    const lines: string[] = [];
    const captured = pino({ level: "warn" }, { write: (line: string) => void lines.push(line) });
    let fail = true;
    let purged = 0;
    const stop = startSessionPurge(
      {
        deleteExpired: async () => {
          if (fail) throw new Error("database down");
          purged += 1;
          return 0;
        },
      },
      captured,
      20,
    );
    await vi.waitFor(() => expect(lines.join("")).toContain("deleting expired sessions failed"));
    fail = false;
    await vi.waitFor(() => expect(purged).toBeGreaterThan(0));
    stop();
  });

  it("never keeps the process alive", () => {
    const spy = vi.spyOn(globalThis, "setInterval");
    const stop = startSessionPurge({ deleteExpired: async () => 0 }, logger, 1_000);
    const timer = spy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    stop();
    spy.mockRestore();
  });
});
