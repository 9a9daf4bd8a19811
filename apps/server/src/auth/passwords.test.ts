import { describe, expect, it } from "vitest";
import { ERROR_STATUS } from "@tandem/protocol";
import { AppError } from "../errors.js";
import { Passwords } from "./passwords.js";

describe("Passwords", () => {
  it("hashes and verifies, and an unknown account never verifies", async () => {
    const passwords = new Passwords(4, { maxConcurrent: 2, maxQueued: 10 });
    const hash = await passwords.hash("correct horse");
    expect(await passwords.verify("correct horse", hash)).toBe(true);
    expect(await passwords.verify("wrong horse", hash)).toBe(false);
    expect(await passwords.verify("correct horse", null)).toBe(false);
  });

  it("runs at most maxConcurrent hashes at once, the rest wait their turn", async () => {
    const passwords = new Passwords(6, { maxConcurrent: 2, maxQueued: 100 });
    let most = 0;
    const sample = setInterval(() => {
      most = Math.max(most, passwords.load.active);
    }, 1);
    const hashes = await Promise.all(Array.from({ length: 8 }, (_, i) => passwords.hash(`password ${i}`)));
    clearInterval(sample);
    expect(hashes).toHaveLength(8);
    expect(most).toBe(2);
    expect(passwords.load).toEqual({ active: 0, pending: 0 });
  });

  it("refuses with 503 and Retry-After once maxQueued checks are waiting, and serves again after", async () => {
    const passwords = new Passwords(6, { maxConcurrent: 1, maxQueued: 2 });
    const hash = await passwords.hash("pw");
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => passwords.verify("pw", hash)));
    // One running, two waiting; the other two were refused without waiting.
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected", "rejected"]);
    const refusal = results[3]?.status === "rejected" ? (results[3].reason as unknown) : undefined;
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: "unavailable", retryAfterSeconds: 1 });
    expect(ERROR_STATUS.unavailable).toBe(503);
    expect(await passwords.verify("pw", hash)).toBe(true);
  });
});
