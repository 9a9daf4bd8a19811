import { describe, expect, it } from "vitest";
import { makeDevice, makeToken } from "../testing/fixtures";
import { createAppState } from "./appState";

describe("roster slice", () => {
  it("applies a rename and a revocation at once, and forgets everything on reset", () => {
    const appState = createAppState();
    const laptop = makeDevice({ current: true });
    const phone = makeDevice({ name: "Phone" });
    const token = makeToken();
    appState.getState().rosterLoaded([laptop, phone], [token]);
    appState.getState().deviceUpdated({ ...phone, name: "Ada's phone" });
    expect(appState.getState().devices.map((d) => d.name)).toEqual([laptop.name, "Ada's phone"]);
    appState.getState().deviceRemoved(phone.id);
    appState.getState().tokenRemoved(token.id);
    expect(appState.getState()).toMatchObject({ devices: [laptop], tokens: [] });
    appState.getState().rosterLoading();
    expect(appState.getState().rosterStatus).toBe("loaded");
    appState.getState().resetRoster();
    expect(appState.getState()).toMatchObject({ rosterStatus: "idle", devices: [], tokens: [], rosterError: null });
  });
});
