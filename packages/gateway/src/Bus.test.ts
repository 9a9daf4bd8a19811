import { CloseCode } from "@tandem/protocol";
import { describe, expect, it, vi } from "vitest";
import { parseBusMessage, type BusMessage } from "./Bus.js";
import { MemoryBus } from "./MemoryBus.js";

const send: BusMessage = { type: "send", origin: "i1", receivers: { sockets: [], tags: ["t"] }, text: "{}" };
const close: BusMessage = {
  type: "close",
  origin: "i1",
  receivers: { sockets: ["s"], tags: [] },
  code: CloseCode.SIGNED_OUT,
  reason: "signed out",
};

describe("parseBusMessage", () => {
  it("round-trips both kinds of message, a send with or without its seq", () => {
    expect(parseBusMessage(JSON.stringify(send))).toEqual(send);
    expect(parseBusMessage(JSON.stringify({ ...send, seq: 42 }))).toEqual({ ...send, seq: 42 });
    expect(parseBusMessage(JSON.stringify({ ...send, within: "user:1" }))).toEqual({ ...send, within: "user:1" });
    expect(parseBusMessage(JSON.stringify(close))).toEqual(close);
  });

  it("drops malformed messages instead of trusting them", () => {
    expect(parseBusMessage("not json")).toBeUndefined();
    expect(parseBusMessage("null")).toBeUndefined();
    expect(parseBusMessage(JSON.stringify({ ...send, receivers: { tags: ["t"] } }))).toBeUndefined();
    expect(parseBusMessage(JSON.stringify({ ...send, text: 1 }))).toBeUndefined();
    expect(parseBusMessage(JSON.stringify({ ...send, seq: "1" }))).toBeUndefined();
    expect(parseBusMessage(JSON.stringify({ ...send, seq: 1.5 }))).toBeUndefined();
    // A send that cannot say whose sockets it is limited to must not reach everyone's.
    expect(parseBusMessage(JSON.stringify({ ...send, within: 1 }))).toBeUndefined();
    expect(parseBusMessage(JSON.stringify({ ...close, code: 1000 }))).toBeUndefined();
    expect(parseBusMessage(JSON.stringify({ ...send, type: "other" }))).toBeUndefined();
  });
});

describe("MemoryBus", () => {
  it("delivers to every subscriber until it unsubscribes", () => {
    const bus = new MemoryBus();
    const first = vi.fn();
    const second = vi.fn();
    const unsubscribe = bus.subscribe(first);
    bus.subscribe(second);
    bus.publish(send);
    unsubscribe();
    bus.publish(close);
    expect(first.mock.calls).toEqual([[send]]);
    expect(second.mock.calls).toEqual([[send], [close]]);
  });

  it("reports outages, drops messages while down, and fails its ping", async () => {
    const bus = new MemoryBus();
    const handler = vi.fn();
    const states: boolean[] = [];
    bus.subscribe(handler);
    bus.onStateChange((healthy) => states.push(healthy));
    bus.setHealthy(false);
    bus.publish(send);
    await expect(bus.ping()).rejects.toThrow();
    bus.setHealthy(true);
    await expect(bus.ping()).resolves.toBeUndefined();
    await bus.close();
    expect(handler).not.toHaveBeenCalled();
    expect(states).toEqual([false, true, false]);
    expect(bus.healthy).toBe(false);
  });
});
