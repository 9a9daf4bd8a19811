import { describe, expect, it } from "vitest";
import { createAppUpdate, UPDATE_CHECK_INTERVAL_MS, type RegisterServiceWorker } from "./appUpdate";

/** A hand-driven registerSW: the test says when a new worker is waiting. */
function fakeServiceWorker() {
  const calls = { activations: [] as Array<boolean | undefined>, reloads: 0, updates: 0 };
  let needRefresh = () => {};
  let registered: (registration: ServiceWorkerRegistration) => void = () => {};
  const register: RegisterServiceWorker = (options) => {
    needRefresh = options.onNeedRefresh;
    registered = (registration) => options.onRegisteredSW("/sw.js", registration);
    return async (reloadPage) => {
      calls.activations.push(reloadPage);
    };
  };
  const registration = {
    update: async () => {
      calls.updates += 1;
    },
  } as unknown as ServiceWorkerRegistration;
  return { register, calls, newWorkerWaiting: () => needRefresh(), registered: () => registered(registration), registration };
}

describe("createAppUpdate", () => {
  it("is current until a new worker waits, then tells its subscribers once", () => {
    const sw = fakeServiceWorker();
    const update = createAppUpdate({ register: sw.register, reloadPage: () => {}, every: () => {} });
    let told = 0;
    update.subscribe(() => (told += 1));
    expect(update.getSnapshot()).toBe("current");
    sw.newWorkerWaiting();
    expect(update.getSnapshot()).toBe("ready");
    expect(told).toBe(1);
  });

  it("reloads plainly while current, and activates the waiting worker (with a reload) once ready", () => {
    const sw = fakeServiceWorker();
    const update = createAppUpdate({ register: sw.register, reloadPage: () => (sw.calls.reloads += 1), every: () => {} });
    update.reload();
    expect(sw.calls).toMatchObject({ reloads: 1, activations: [] });
    sw.newWorkerWaiting();
    update.reload();
    expect(sw.calls).toMatchObject({ reloads: 1, activations: [true] });
  });

  it("never swaps by itself: a waiting worker changes nothing until reload is asked for", () => {
    const sw = fakeServiceWorker();
    createAppUpdate({ register: sw.register, reloadPage: () => (sw.calls.reloads += 1), every: () => {} });
    sw.newWorkerWaiting();
    expect(sw.calls).toMatchObject({ reloads: 0, activations: [] });
  });

  it("asks the registration for an update every interval once registered", () => {
    const sw = fakeServiceWorker();
    const timers: Array<{ ms: number; fn: () => void }> = [];
    createAppUpdate({ register: sw.register, reloadPage: () => {}, every: (ms, fn) => timers.push({ ms, fn }) });
    expect(timers).toEqual([]);
    sw.registered();
    expect(timers.map((timer) => timer.ms)).toEqual([UPDATE_CHECK_INTERVAL_MS]);
    timers[0]?.fn();
    timers[0]?.fn();
    expect(sw.calls.updates).toBe(2);
  });

  it("forgets an unsubscribed listener", () => {
    const sw = fakeServiceWorker();
    const update = createAppUpdate({ register: sw.register, reloadPage: () => {}, every: () => {} });
    let told = 0;
    const unsubscribe = update.subscribe(() => (told += 1));
    unsubscribe();
    sw.newWorkerWaiting();
    expect(told).toBe(0);
  });
});
