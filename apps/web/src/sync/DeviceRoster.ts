import type { Device, TokenInfo } from "@tandem/protocol";
import { errorMessage } from "../api/errors";
import type { AppStateApi } from "../state/appState";

export interface DeviceRosterOptions {
  /** The user's devices and API tokens, fetched together. */
  load(): Promise<{ devices: Device[]; tokens: TokenInfo[] }>;
  appState: AppStateApi;
  /** A fetch failed because the session is gone (it ends the session). */
  onFailure(error: unknown): void;
}

/**
 * Keeps `state.devices` and `state.tokens` current while someone looks at them. The server
 * sends a `devices` message on every socket of the user when the roster changes; it says what
 * changed, not the new roster, so each one means "fetch the list again". Nobody polls.
 *
 * - Fetches only while watched (the account page is open); a change while unwatched marks the
 *   roster stale, and the next watcher fetches.
 * - Coalesces: changes that arrive while a fetch is on its way cause exactly one more fetch
 *   after it, so a burst of messages never queues a burst of requests, and the last answer
 *   shown is never older than the last message.
 * - Fetches again whenever the socket goes live: messages sent while it was down were missed.
 */
export class DeviceRoster {
  private watchers = 0;
  private inFlight = false;
  private again = false;
  private disposed = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: DeviceRosterOptions) {
    this.unsubscribe = options.appState.subscribe((state, previous) => {
      if (state.connectionStatus === "live" && previous.connectionStatus !== "live") this.changed();
    });
  }

  /** Someone shows the roster until the returned function is called. */
  watch(): () => void {
    this.watchers += 1;
    this.changed();
    let watching = true;
    return () => {
      if (watching) this.watchers -= 1;
      watching = false;
    };
  }

  /** The roster changed on the server (a `devices` message), or may have. */
  changed(): void {
    if (this.disposed || this.watchers === 0) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    void this.fetch();
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
  }

  private async fetch(): Promise<void> {
    const { appState, load, onFailure } = this.options;
    this.inFlight = true;
    this.again = false;
    appState.getState().rosterLoading();
    try {
      const { devices, tokens } = await load();
      if (!this.disposed) appState.getState().rosterLoaded(devices, tokens);
    } catch (error) {
      if (!this.disposed) {
        appState.getState().rosterFailed(errorMessage(error));
        onFailure(error);
      }
    } finally {
      this.inFlight = false;
    }
    if (this.again) this.changed();
  }
}
