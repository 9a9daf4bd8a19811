import { devicesMessage, resyncMessage } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import { makeTodo, upsertEvent } from "../testing/fixtures";
import { readFrame } from "./serverMessage";

describe("readFrame", () => {
  it("reads a change event and a resync by their type", () => {
    const change = upsertEvent(makeTodo(), 4, "create");
    expect(readFrame(JSON.stringify(change))).toEqual({ kind: "message", message: change });
    expect(readFrame(JSON.stringify(resyncMessage(9)))).toEqual({ kind: "message", message: resyncMessage(9) });
  });

  it("reads the roster's `devices` message", () => {
    const message = devicesMessage("online", "device-1");
    expect(readFrame(JSON.stringify(message))).toEqual({ kind: "message", message });
  });

  it("sets a type it does not know apart, so it can be ignored quietly", () => {
    expect(readFrame(JSON.stringify({ type: "weather", sky: "blue" }))).toEqual({ kind: "unknown", type: "weather" });
  });

  it("refuses frames that are not JSON, carry no type, or break their type's schema", () => {
    const change = upsertEvent(makeTodo(), 4, "create");
    const { type: _type, ...untyped } = change;
    for (const frame of [
      "not json",
      "42",
      "null",
      JSON.stringify(untyped),
      JSON.stringify({ type: 7 }),
      JSON.stringify({ type: "change", meta: { eventName: "upsert", seq: 8 } }),
      JSON.stringify({ type: "resync" }),
      JSON.stringify({ type: "devices", change: "exploded", deviceId: "d1" }),
    ]) {
      expect(readFrame(frame)).toEqual({ kind: "invalid" });
    }
  });
});
