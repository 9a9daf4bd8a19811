import { describe, expect, it, vi } from "vitest";
import { MemoryPresence, type Presence } from "./Presence.js";
import { SocketPresence } from "./socketPresence.js";

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("SocketPresence", () => {
  it("tells the user's sockets when a device's first socket opens and its last closes, and keeps nothing for an open socket", async () => {
    const rosterChanged = vi.fn();
    const failed = vi.fn();
    const tracking = new SocketPresence(new MemoryPresence(), { rosterChanged }, failed);
    tracking.opened("s1", "u1", "laptop");
    tracking.opened("s2", "u1", "laptop");
    await flush();
    expect(rosterChanged.mock.calls).toEqual([["u1", "online", "laptop"]]);
    expect(tracking.pendingJoins).toBe(0);
    tracking.closed("s1", "u1", "laptop");
    await flush();
    expect(rosterChanged).toHaveBeenCalledTimes(1);
    tracking.closed("s2", "u1", "laptop");
    await flush();
    expect(rosterChanged.mock.calls).toEqual([
      ["u1", "online", "laptop"],
      ["u1", "offline", "laptop"],
    ]);
    expect(failed).not.toHaveBeenCalled();
  });

  it("leaves only after the socket's join completed, when the socket closes while it is still joining", async () => {
    const order: string[] = [];
    const joined = deferred<boolean>();
    const presence: Presence = {
      join: async () => {
        order.push("join sent");
        const first = await joined.promise;
        order.push("joined");
        return first;
      },
      leave: async () => {
        order.push("leave");
        return true;
      },
      counts: async () => new Map(),
      start: () => {},
      stop: async () => {},
    };
    const rosterChanged = vi.fn((_userId: string, change: string) => order.push(change));
    const tracking = new SocketPresence(presence, { rosterChanged }, vi.fn());
    tracking.opened("s1", "u1", "phone");
    tracking.closed("s1", "u1", "phone");
    await flush();
    expect(order).toEqual(["join sent"]);
    joined.resolve(true);
    await flush();
    expect(order).toEqual(["join sent", "joined", "online", "leave", "offline"]);
    expect(tracking.pendingJoins).toBe(0);
  });

  it("reports a presence store that fails, and still leaves after a failed join", async () => {
    const failed = vi.fn();
    const leave = vi.fn(async () => false);
    const presence: Presence = {
      join: () => Promise.reject(new Error("redis down")),
      leave,
      counts: async () => new Map(),
      start: () => {},
      stop: async () => {},
    };
    const tracking = new SocketPresence(presence, { rosterChanged: vi.fn() }, failed);
    tracking.opened("s1", "u1", "phone");
    tracking.closed("s1", "u1", "phone");
    await flush();
    expect(failed).toHaveBeenCalledWith(expect.objectContaining({ message: "redis down" }));
    expect(leave).toHaveBeenCalledWith("u1", "phone");
  });
});
