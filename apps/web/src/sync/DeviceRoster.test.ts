import type { Device, TokenInfo } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import { ApiError } from "../api/errors";
import { createAppState } from "../state/appState";
import { settle } from "../testing/FakeEnvironment";
import { makeDevice, makeToken } from "../testing/fixtures";
import { DeviceRoster } from "./DeviceRoster";

interface Answer {
  resolve(value: { devices: Device[]; tokens: TokenInfo[] }): void;
  reject(error: unknown): void;
}

/** A roster whose fetches wait until the test answers them, in order. */
function setup() {
  const appState = createAppState();
  const answers: Answer[] = [];
  const failures: unknown[] = [];
  const roster = new DeviceRoster({
    appState,
    load: () => new Promise((resolve, reject) => answers.push({ resolve, reject })),
    onFailure: (error) => failures.push(error),
  });
  const answer = async (devices: Device[], tokens: TokenInfo[] = []) => {
    const next = answers.shift();
    if (!next) throw new Error("no fetch is waiting");
    next.resolve({ devices, tokens });
    await settle();
  };
  return { appState, answers, failures, roster, answer };
}

describe("DeviceRoster", () => {
  it("fetches nothing until watched, then fetches once and fills the state", async () => {
    const { roster, answers, answer, appState } = setup();
    roster.changed();
    expect(answers).toHaveLength(0);
    expect(appState.getState().rosterStatus).toBe("idle");

    roster.watch();
    expect(answers).toHaveLength(1);
    expect(appState.getState().rosterStatus).toBe("loading");
    const laptop = makeDevice({ current: true, online: 1 });
    const token = makeToken();
    await answer([laptop], [token]);
    expect(appState.getState()).toMatchObject({ rosterStatus: "loaded", devices: [laptop], tokens: [token] });
  });

  it("fetches again on each roster message while watched, and not after", async () => {
    const { roster, answers, answer, appState } = setup();
    const unwatch = roster.watch();
    await answer([makeDevice()]);
    const phone = makeDevice({ name: "Safari on iOS", online: 1 });
    roster.changed();
    await answer([phone]);
    expect(appState.getState().devices).toEqual([phone]);

    unwatch();
    unwatch();
    roster.changed();
    expect(answers).toHaveLength(0);
  });

  it("turns a burst of messages during a fetch into exactly one more fetch", async () => {
    const { roster, answers, answer, appState } = setup();
    roster.watch();
    roster.changed();
    roster.changed();
    roster.changed();
    expect(answers).toHaveLength(1);
    await answer([makeDevice()]);
    expect(answers).toHaveLength(1);
    const latest = makeDevice({ name: "latest" });
    await answer([latest]);
    expect(answers).toHaveLength(0);
    expect(appState.getState().devices).toEqual([latest]);
  });

  it("fetches again when the socket goes live (messages may have been missed while it was down)", async () => {
    const { roster, answers, answer, appState } = setup();
    roster.watch();
    await answer([]);
    appState.getState().connectionChanged("reconnecting", 1);
    expect(answers).toHaveLength(0);
    appState.getState().connectionChanged("live", 2);
    expect(answers).toHaveLength(1);
  });

  it("keeps the last list when a fetch fails, says why, and reports the failure", async () => {
    const { roster, answers, answer, appState, failures } = setup();
    roster.watch();
    const laptop = makeDevice();
    await answer([laptop]);
    roster.changed();
    const gone = new ApiError(401, "unauthorized", "Sign in first");
    answers.shift()?.reject(gone);
    await settle();
    expect(appState.getState()).toMatchObject({ rosterStatus: "failed", rosterError: "Sign in first", devices: [laptop] });
    expect(failures).toEqual([gone]);
  });

  it("ignores answers that arrive after it was disposed (signed out meanwhile)", async () => {
    const { roster, answer, appState } = setup();
    roster.watch();
    roster.dispose();
    await answer([makeDevice()]);
    expect(appState.getState().devices).toEqual([]);
    appState.getState().connectionChanged("live", 1);
    roster.changed();
    expect(appState.getState().rosterStatus).toBe("loading");
  });
});
