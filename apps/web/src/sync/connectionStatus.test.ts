import { describe, expect, it } from "vitest";
import { nextStatus, wantsSocket, type ConnectionEvent, type ConnectionStatus } from "./connectionStatus";

function run(events: ConnectionEvent[], from: ConnectionStatus = "idle"): ConnectionStatus {
  return events.reduce(nextStatus, from);
}

describe("nextStatus", () => {
  it("goes connecting → live on the first socket", () => {
    expect(run(["start"])).toBe("connecting");
    expect(run(["start", "opened"])).toBe("live");
  });

  it("says reconnecting after a lost socket or a failed first attempt, live again once open", () => {
    expect(run(["start", "opened", "lost"])).toBe("reconnecting");
    expect(run(["start", "lost"])).toBe("reconnecting");
    expect(run(["start", "opened", "lost", "lost", "opened"])).toBe("live");
  });

  it("goes offline from any active state and back to reconnecting when online", () => {
    for (const from of ["connecting", "live", "reconnecting"] as const) {
      expect(nextStatus(from, "wentOffline")).toBe("offline");
    }
    expect(run(["wentOnline"], "offline")).toBe("reconnecting");
    // A late "lost" while offline does not pretend to be reconnecting.
    expect(run(["lost", "opened"], "offline")).toBe("offline");
  });

  it("treats signed out as terminal until stopped", () => {
    const events: ConnectionEvent[] = ["start", "opened", "lost", "wentOnline", "wentOffline"];
    for (const event of events) expect(nextStatus("signedOut", event)).toBe("signedOut");
    expect(nextStatus("signedOut", "stop")).toBe("idle");
    expect(run(["start", "opened", "signedOut"])).toBe("signedOut");
  });

  it("goes outdated from any active state, terminal until stopped, but a later sign-out still lands", () => {
    for (const from of ["connecting", "live", "reconnecting", "offline"] as const) {
      expect(nextStatus(from, "outdated")).toBe("outdated");
    }
    const events: ConnectionEvent[] = ["start", "opened", "lost", "wentOnline", "wentOffline"];
    for (const event of events) expect(nextStatus("outdated", event)).toBe("outdated");
    expect(nextStatus("outdated", "signedOut")).toBe("signedOut");
    expect(nextStatus("signedOut", "outdated")).toBe("signedOut");
    expect(nextStatus("outdated", "stop")).toBe("idle");
  });

  it("ignores everything but start while idle, and stop always returns to idle", () => {
    for (const event of ["opened", "lost", "wentOffline", "wentOnline", "signedOut", "outdated"] as const) {
      expect(nextStatus("idle", event)).toBe("idle");
    }
    for (const from of ["connecting", "live", "reconnecting", "offline"] as const) {
      expect(nextStatus(from, "stop")).toBe("idle");
    }
  });

  it("wants a socket only while connecting, live or reconnecting", () => {
    const all: ConnectionStatus[] = ["idle", "connecting", "live", "reconnecting", "offline", "signedOut", "outdated"];
    expect(all.filter((s) => wantsSocket(s))).toEqual([
      "connecting",
      "live",
      "reconnecting",
    ]);
  });
});
