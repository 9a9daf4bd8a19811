import type { Credentials, LoginBody, User, WebSocketGrant } from "@tandem/protocol";
import type { AuthApi } from "../api/authApi";
import { errorMessage, isUnauthorized } from "../api/errors";
import type { TodosApi } from "../api/todosApi";
import type { Environment } from "../environment";
import type { AppStateApi } from "../state/appState";
import { Outbox } from "../sync/Outbox";
import { createWriteSender } from "../sync/sendWrite";
import type { OpenSocket } from "../sync/socket";
import { createStateSink } from "../sync/stateSink";
import { SyncClient } from "../sync/SyncClient";

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

/**
 * The signed-in life of this tab: signing in starts the sync client and the outbox,
 * signing out (or the server ending the session) stops them and wipes the list, so a
 * signed-out screen never holds anyone's todos.
 */
export class Account {
  private sync: SyncClient | null = null;
  private outbox: Outbox | null = null;

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

  /** The server ended the session (socket close 4001, or a 401). */
  expired(): void {
    this.end();
    this.options.appState.getState().notify("Your session has ended. Please sign in again.", "info");
  }

  dispose(): void {
    this.stop();
  }

  private begin(user: User): void {
    const { appState, todos, env } = this.options;
    this.stop();
    appState.getState().resetTodos();
    appState.getState().signedIn(user);

    const outbox = new Outbox({ appState, env, send: createWriteSender(todos), onSignedOut: () => this.expired() });
    const sync = new SyncClient({
      deviceId: this.options.deviceId,
      fetchSnapshot: () => todos.list(),
      fetchGrant: this.options.fetchGrant,
      openSocket: this.options.openSocket,
      env,
      sink: {
        ...createStateSink(appState, () => this.expired()),
        statusChanged: (status) => {
          appState.getState().setConnectionStatus(status);
          // Back online with the server: send what queued up meanwhile, in order.
          if (status === "live") outbox.resume();
        },
      },
    });
    this.outbox = outbox;
    this.sync = sync;
    sync.start();
  }

  private async waitForOutbox(): Promise<void> {
    const outbox = this.outbox;
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
    this.sync?.dispose();
    this.outbox?.dispose();
    this.sync = null;
    this.outbox = null;
  }
}
