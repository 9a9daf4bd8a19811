import { describe, expect, it } from "vitest";
import { createAppUpdate, UPDATE_CHECK_INTERVAL_MS, type RegisterServiceWorker, type UpdateRegistration } from "./appUpdate";

/** A waiting worker whose activation the test drives. */
class FakeWorker {
  state: ServiceWorkerState = "installed";
  private readonly listeners: Array<() => void> = [];
  addEventListener(_type: string, listener: () => void): void {
    this.listeners.push(listener);
  }
  activate(): void {
    this.state = "activated";
    for (const listener of this.listeners) listener();
  }
}

/** A hand-driven registerSW: the test says when a new worker is waiting. */
function fakeServiceWorker() {
  const calls = { activations: [] as Array<boolean | undefined>, reloads: 0, updates: 0 };
  let needRefresh = () => {};
  let needReload = () => {};
  let registered: (registration: UpdateRegistration) => void = () => {};
  const worker = new FakeWorker();
  const registration: { waiting: FakeWorker | null; update(): Promise<void> } = {
    waiting: null,
    update: async () => {
      calls.updates += 1;
    },
  };
  const register: RegisterServiceWorker = (options) => {
    needRefresh = options.onNeedRefresh;
    needReload = options.onNeedReload;
    registered = (r) => options.onRegisteredSW("/sw.js", r);
    return async (reloadPage) => {
      calls.activations.push(reloadPage);
    };
  };
  return {
    register,
    calls,
    worker,
    newWorkerWaiting: () => {
      registration.waiting = worker;
      needRefresh();
    },
    /** The new worker took control of this tab (another tab activated it). */
    controlledByNewWorker: () => needReload(),
    registered: () => registered(registration),
  };
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

  it("reloads plainly while current; once ready, activates the waiting worker and reloads when it is active", () => {
    const sw = fakeServiceWorker();
    const update = createAppUpdate({ register: sw.register, reloadPage: () => (sw.calls.reloads += 1), every: () => {} });
    sw.registered();
    update.reload();
    expect(sw.calls).toMatchObject({ reloads: 1, activations: [] });
    sw.newWorkerWaiting();
    update.reload();
    expect(sw.calls).toMatchObject({ reloads: 1, activations: [true] });
    sw.worker.activate();
    expect(sw.calls.reloads).toBe(2);
  });

  it("never swaps by itself: a waiting worker, or one another tab activated, reloads nothing", () => {
    const sw = fakeServiceWorker();
    createAppUpdate({ register: sw.register, reloadPage: () => (sw.calls.reloads += 1), every: () => {} });
    sw.registered();
    sw.newWorkerWaiting();
    sw.worker.activate();
    sw.controlledByNewWorker();
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
