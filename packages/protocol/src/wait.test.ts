import { describe, expect, it } from "vitest";
import { describeWait } from "./wait.js";

describe("describeWait", () => {
  it("says seconds under a minute and whole minutes, rounded up, from there on", () => {
    expect(describeWait(1)).toBe("1 second");
    expect(describeWait(0.2)).toBe("1 second");
    expect(describeWait(45)).toBe("45 seconds");
    expect(describeWait(60)).toBe("1 minute");
    expect(describeWait(61)).toBe("2 minutes");
    expect(describeWait(895)).toBe("15 minutes");
  });
});
