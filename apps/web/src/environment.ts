/**
 * What the sync layer needs from the browser, behind one interface so the connection state
 * machine and the outbox run in unit tests with a fake clock and fake network events.
 */
export interface Environment {
  isOnline(): boolean;
  isVisible(): boolean;
  /** Subscribes to a platform signal; returns the unsubscribe function. */
  on(signal: EnvironmentSignal, listener: () => void): () => void;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
  now(): number;
  /** A number in [0, 1), as Math.random. */
  random(): number;
}

/** `visible` fires when the tab comes back to the foreground. */
export type EnvironmentSignal = "online" | "offline" | "visible";

export function browserEnvironment(): Environment {
  return {
    // navigator.onLine is only ever a hint (true can mean "a LAN, no internet"), which is why
    // an `offline` reading stops reconnect attempts but an `online` one merely triggers one.
    isOnline: () => navigator.onLine,
    isVisible: () => document.visibilityState === "visible",
    on(signal, listener) {
      if (signal === "visible") {
        const onChange = () => {
          if (document.visibilityState === "visible") listener();
        };
        document.addEventListener("visibilitychange", onChange);
        return () => document.removeEventListener("visibilitychange", onChange);
      }
      window.addEventListener(signal, listener);
      return () => window.removeEventListener(signal, listener);
    },
    setTimer(fn, ms) {
      const handle = window.setTimeout(fn, ms);
      return () => window.clearTimeout(handle);
    },
    now: () => Date.now(),
    random: () => Math.random(),
  };
}
