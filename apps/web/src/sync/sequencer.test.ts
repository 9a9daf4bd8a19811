import { resyncMessage, type ServerMessage } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import { deleteEvent, makeTodo, MY_DEVICE, OTHER_DEVICE, upsertEvent, withoutSeq } from "../testing/fixtures";
import { decide } from "./sequencer";

describe("decide", () => {
  it("applies the next change from another device and reports its seq", () => {
    const event = upsertEvent(makeTodo({ device: OTHER_DEVICE }), 6);
    expect(decide(event, 5, MY_DEVICE)).toEqual({ action: "apply", event, seq: 6 });
  });

  it("skips this tab's own changes but still counts their seq", () => {
    const event = upsertEvent(makeTodo({ device: MY_DEVICE }), 6);
    expect(decide(event, 5, MY_DEVICE)).toEqual({ action: "skipOwn", seq: 6 });
    expect(decide(deleteEvent(makeTodo().id, 6, MY_DEVICE), 5, MY_DEVICE)).toEqual({ action: "skipOwn", seq: 6 });
  });

  it("applies changes made without a device id (another client, a script)", () => {
    const event = upsertEvent(makeTodo({ device: null }), 1);
    expect(decide(event, 0, MY_DEVICE).action).toBe("apply");
  });

  it("ignores a seq already accounted for (replay overlap, duplicate frame)", () => {
    const event = upsertEvent(makeTodo(), 5);
    expect(decide(event, 5, MY_DEVICE)).toEqual({ action: "duplicate" });
    expect(decide(event, 9, MY_DEVICE)).toEqual({ action: "duplicate" });
  });

  it("asks for a refetch when a seq was skipped, even for an own-device change", () => {
    expect(decide(upsertEvent(makeTodo(), 8), 5, MY_DEVICE)).toEqual({ action: "refetch", reason: "gap" });
    expect(decide(upsertEvent(makeTodo({ device: MY_DEVICE }), 7), 5, MY_DEVICE)).toEqual({
      action: "refetch",
      reason: "gap",
    });
  });

  it("applies a relayed event without a seq by version, whatever the seq so far, and counts nothing", () => {
    const event = withoutSeq(upsertEvent(makeTodo({ device: MY_DEVICE }), 1));
    expect(decide(event, 0, MY_DEVICE)).toEqual({ action: "applyUnsequenced", event });
    expect(decide(event, 40, MY_DEVICE)).toEqual({ action: "applyUnsequenced", event });
  });

  it("asks for a refetch on a resync message, whatever its seq", () => {
    const resync: ServerMessage = resyncMessage(3);
    expect(decide(resync, 10, MY_DEVICE)).toEqual({ action: "refetch", reason: "resync" });
    expect(decide(resync, 0, MY_DEVICE)).toEqual({ action: "refetch", reason: "resync" });
  });
});
