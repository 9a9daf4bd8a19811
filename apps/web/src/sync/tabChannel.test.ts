import { describe, expect, it } from "vitest";
import { readTabMessage, socketLockName, tabChannelName } from "./tabChannel";

describe("readTabMessage", () => {
  it("reads each message this build sends", () => {
    expect(readTabMessage({ type: "frame", data: "{}" })).toEqual({ type: "frame", data: "{}" });
    expect(readTabMessage({ type: "status", status: "live", at: 5 })).toEqual({ type: "status", status: "live", at: 5, reason: null });
    expect(readTabMessage({ type: "status", status: "signedOut", at: 6, reason: "signed out" })).toEqual({
      type: "status",
      status: "signedOut",
      at: 6,
      reason: "signed out",
    });
    expect(readTabMessage({ type: "hello" })).toEqual({ type: "hello" });
    expect(readTabMessage({ type: "wake" })).toEqual({ type: "wake" });
  });

  it("drops what another build (or anything else) might post", () => {
    for (const value of [null, "frame", 3, {}, { type: "frame" }, { type: "frame", data: 1 }, { type: "status", status: "dancing", at: 1 }, { type: "status", status: "live" }, { type: "devices" }]) {
      expect(readTabMessage(value)).toBeNull();
    }
  });

  it("names the lock and the channel per user, with the tab protocol's version", () => {
    expect(socketLockName("u1")).toBe("tandem-socket:v1:u1");
    expect(tabChannelName("u1")).toBe("tandem-tabs:v1:u1");
    expect(socketLockName("u1")).not.toBe(socketLockName("u2"));
  });
});
