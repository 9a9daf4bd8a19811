import { describe, expect, it } from "vitest";
import { ERROR_STATUS } from "@tandem/protocol";
import { AppError } from "../errors.js";
import { Passwords } from "./passwords.js";

const CLIENT = "198.51.100.1";

describe("Passwords", () => {
  it("hashes and verifies, and an unknown account never verifies", async () => {
    const passwords = new Passwords(4, { maxConcurrent: 2, maxQueued: 10, maxPerClient: 10 });
    const hash = await passwords.hash("correct horse", CLIENT);
    expect(await passwords.verify("correct horse", hash, CLIENT)).toBe(true);
    expect(await passwords.verify("wrong horse", hash, CLIENT)).toBe(false);
    expect(await passwords.verify("correct horse", null, CLIENT)).toBe(false);
  });

  it("runs at most maxConcurrent hashes at once, the rest wait their turn", async () => {
    const passwords = new Passwords(6, { maxConcurrent: 2, maxQueued: 100, maxPerClient: 100 });
    let most = 0;
    const sample = setInterval(() => {
      most = Math.max(most, passwords.load.active);
    }, 1);
    const hashes = await Promise.all(Array.from({ length: 8 }, (_, i) => passwords.hash(`password ${i}`, CLIENT)));
    clearInterval(sample);
    expect(hashes).toHaveLength(8);
    expect(most).toBe(2);
    expect(passwords.load).toEqual({ active: 0, pending: 0 });
  });

  it("refuses with 503 and Retry-After once maxQueued checks are waiting, and serves again after", async () => {
    const passwords = new Passwords(6, { maxConcurrent: 1, maxQueued: 2, maxPerClient: 10 });
    const hash = await passwords.hash("pw", CLIENT);
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => passwords.verify("pw", hash, `client ${i}`)));
    // One running, two waiting; the other two were refused without waiting.
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected", "rejected"]);
    const refusal = results[3]?.status === "rejected" ? (results[3].reason as unknown) : undefined;
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: "unavailable", retryAfterSeconds: 1 });
    expect(ERROR_STATUS.unavailable).toBe(503);
    expect(await passwords.verify("pw", hash, CLIENT)).toBe(true);
  });

  it("refuses a client network past its share with 429 and Retry-After, while others still get in", async () => {
    const passwords = new Passwords(6, { maxConcurrent: 1, maxQueued: 100, maxPerClient: 2 });
    const hash = await passwords.hash("pw", CLIENT);
    const flood = await Promise.allSettled(Array.from({ length: 4 }, () => passwords.verify("pw", hash, CLIENT)));
    expect(flood.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "rejected"]);
    const refusal = flood[2]?.status === "rejected" ? (flood[2].reason as unknown) : undefined;
    expect(refusal).toMatchObject({ code: "too_many_requests", retryAfterSeconds: 1 });

    const during = [passwords.verify("pw", hash, CLIENT), passwords.verify("pw", hash, CLIENT)];
    expect(await passwords.verify("pw", hash, "2001:db8::/64")).toBe(true);
    expect(await Promise.all(during)).toEqual([true, true]);
  });
});
