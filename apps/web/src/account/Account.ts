import type { Credentials, LoginBody, User, WebSocketGrant } from "@tandem/protocol";
import type { AuthApi } from "../api/authApi";
import { errorMessage, isUnauthorized } from "../api/errors";
import type { TodosApi } from "../api/todosApi";
import type { Environment } from "../environment";
import type { AppStateApi } from "../state/appState";
import { startLiveSync, type LiveSync } from "../sync/liveSync";
import { Outbox } from "../sync/Outbox";
import { createWriteSender } from "../sync/sendWrite";
import type { OpenSocket } from "../sync/socket";

/** How long sign-out waits for queued writes to reach the server before it goes ahead. */
export const SIGN_OUT_FLUSH_MS = 3_000;

export interface AccountOptions {
  appState: AppStateApi;
  auth: AuthApi;
  todos: TodosApi;
  fetchGrant(since: number): Promise<WebSocketGrant>;
  openSocket: OpenSocket;
  deviceId: string;
  env: Environment;
}

/** What runs while this tab is signed in. */
interface Running {
  sync: LiveSync;
  outbox: Outbox;
  /** Stops watching the app state for the end of the session. */
  unwatch(): void;
}

/**
 * The signed-in life of this tab: signing in starts the live sync and the outbox, signing out
 * (or the server ending the session) stops them and wipes the list, so a signed-out screen never
 * holds anyone's todos.
 *
 * The server ends a session in one of two ways, a socket closed with 4001 or a 401 on any
 * request, and both take one path: the reconnector's status machine (the outbox reports its
 * 401 there too) turns `signedOut` once, the app state records it, and this class, watching
 * the app state, ends the session once.
 */
export class Account {
  private running: Running | null = null;

  constructor(private readonly options: AccountOptions) {}

  /** Resumes the session the cookie still holds, if any (on page load). */
  async restore(): Promise<void> {
    const { appState, auth } = this.options;
    try {
      const user = await auth.me();
      if (user) this.begin(user);
      else appState.getState().signedOut();
    } catch {
      appState.getState().authUnreachable();
    }
  }

  /** Throws the server's refusal (ApiError) or NetworkError; the form shows it. */
  async signIn(body: LoginBody): Promise<void> {
    this.begin(await this.options.auth.signIn(body));
  }

  async signUp(body: Credentials): Promise<void> {
    this.begin(await this.options.auth.signUp(body));
  }

  async signOut(): Promise<void> {
    const { appState, auth } = this.options;
    await this.waitForOutbox();
    try {
      await auth.signOut();
    } catch (error) {
      // 401: already signed out on the server, which is what was asked for.
      if (!isUnauthorized(error)) {
        appState.getState().notify(`Couldn't sign out: ${errorMessage(error)}`);
        return;
      }
    }
    this.end();
  }

  /** Skips the reconnect wait of an outage (the status bar's "Try now"). */
  tryNow(): void {
    this.running?.sync.connection.tryNow();
  }

  dispose(): void {
    this.stop();
  }

  private begin(user: User): void {
    const { appState, todos, env } = this.options;
    this.stop();
    appState.getState().resetTodos();
    appState.getState().signedIn(user);

    const unwatch = appState.subscribe((state, previous) => {
      if (state.connectionStatus === "signedOut" && previous.connectionStatus !== "signedOut") this.expired();
    });
    const sync = startLiveSync({
      deviceId: this.options.deviceId,
      fetchSnapshot: () => todos.list(),
      fetchGrant: this.options.fetchGrant,
      openSocket: this.options.openSocket,
      appState,
      env,
    });
    const outbox = new Outbox({
      appState,
      env,
      send: createWriteSender(todos),
      onUnauthorized: () => sync.connection.sessionEnded(),
    });
    this.running = { sync, outbox, unwatch };
  }

  /** The server ended the session: the one reaction to a close 4001 or a 401 anywhere. */
  private expired(): void {
    this.end();
    this.options.appState.getState().notify("Your session has ended. Please sign in again.", "info");
  }

  private async waitForOutbox(): Promise<void> {
    const outbox = this.running?.outbox;
    if (!outbox) return;
    let cancel = () => {};
    const timeout = new Promise<void>((resolve) => {
      cancel = this.options.env.setTimer(resolve, SIGN_OUT_FLUSH_MS);
    });
    await Promise.race([outbox.flush(), timeout]);
    cancel();
  }

  /** Stops syncing and forgets the list, telling the user about any write that never landed. */
  private end(): void {
    const { appState } = this.options;
    const unsaved = appState.getState().pending.length;
    this.stop();
    appState.getState().resetTodos();
    appState.getState().signedOut();
    if (unsaved > 0) {
      const what = unsaved === 1 ? "1 unsaved change" : `${unsaved} unsaved changes`;
      const was = unsaved === 1 ? "was" : "were";
      appState.getState().notify(`${what} could not be sent to the server and ${was} discarded.`);
    }
  }

  private stop(): void {
    const running = this.running;
    this.running = null;
    if (!running) return;
    running.unwatch();
    running.sync.connection.dispose();
    running.outbox.dispose();
  }
}
