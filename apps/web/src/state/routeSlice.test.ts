import { describe, expect, it } from "vitest";
import { createAppState } from "./appState";

describe("route slice", () => {
  it("starts on the list and goes where it is sent", () => {
    const appState = createAppState();
    expect(appState.getState().route).toEqual({ name: "todos" });
    appState.getState().navigate({ name: "account" });
    expect(appState.getState().route).toEqual({ name: "account" });
  });
});
