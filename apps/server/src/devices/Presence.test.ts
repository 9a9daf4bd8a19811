import { describe, expect, it } from "vitest";
import { MemoryPresence } from "./Presence.js";

describe("MemoryPresence", () => {
  it("says when a device's first socket opens and its last closes, counting per device and user", async () => {
    const p = new MemoryPresence();
    expect(await p.join("u1", "laptop")).toBe(true);
    expect(await p.join("u1", "laptop")).toBe(false);
    expect(await p.join("u1", "phone")).toBe(true);
    expect(await p.join("u2", "laptop")).toBe(true);
    expect(await p.counts("u1")).toEqual(new Map([["laptop", 2], ["phone", 1]]));
    expect(await p.leave("u1", "laptop")).toBe(false);
    expect(await p.leave("u1", "laptop")).toBe(true);
    expect(await p.counts("u1")).toEqual(new Map([["phone", 1]]));
    expect(await p.counts("u2")).toEqual(new Map([["laptop", 1]]));
    expect(await p.counts("nobody")).toEqual(new Map());
  });

  it("never counts below zero, and forgets everything when stopped", async () => {
    const p = new MemoryPresence();
    expect(await p.leave("u1", "ghost")).toBe(true);
    expect(await p.counts("u1")).toEqual(new Map());
    await p.join("u1", "laptop");
    await p.stop();
    expect(await p.counts("u1")).toEqual(new Map());
  });
});
