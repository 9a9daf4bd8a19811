import type { Environment, EnvironmentSignal } from "../environment";

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/** A hand-driven clock and network for tests: nothing happens until the test says so. */
export class FakeEnvironment implements Environment {
  online = true;
  visible = true;
  time = 1_000_000;
  /** What `random()` returns; 0.5 puts every backoff delay in the middle of its range. */
  randomValue = 0.5;
  private readonly listeners = new Map<EnvironmentSignal, Set<() => void>>();
  private timers: Timer[] = [];
  private nextTimerId = 1;

  isOnline = () => this.online;
  isVisible = () => this.visible;
  now = () => this.time;
  random = () => this.randomValue;

  on(signal: EnvironmentSignal, listener: () => void): () => void {
    const set = this.listeners.get(signal) ?? new Set();
    set.add(listener);
    this.listeners.set(signal, set);
    return () => set.delete(listener);
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { id: this.nextTimerId++, at: this.time + ms, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Delays (from now) of the timers still waiting. */
  pendingDelays(): number[] {
    return this.timers.map((t) => t.at - this.time);
  }

  listenerCount(): number {
    return [...this.listeners.values()].reduce((n, set) => n + set.size, 0);
  }

  /** Moves the clock on, running every timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = until;
  }

  emit(signal: EnvironmentSignal): void {
    if (signal === "online") this.online = true;
    if (signal === "offline") this.online = false;
    if (signal === "visible") this.visible = true;
    for (const listener of [...(this.listeners.get(signal) ?? [])]) listener();
  }
}

/** Lets every already-settled promise continuation run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
