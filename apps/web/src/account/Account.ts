import type {
  ChangePasswordBody,
  CreateTokenBody,
  CreateTokenResponse,
  Credentials,
  Device,
  LoginBody,
  PasswordResetConfirmBody,
  PasswordResetRequestBody,
  User,
  WebSocketGrant,
} from "@tandem/protocol";
import { SignOutReason } from "@tandem/protocol";
import type { AccountApi } from "../api/accountApi";
import type { AuthApi } from "../api/authApi";
import { errorMessage, isSessionGone, isUnauthorized } from "../api/errors";
import type { TodosApi } from "../api/todosApi";
import type { Environment } from "../environment";
import type { AppStateApi } from "../state/appState";
import { DeviceRoster } from "../sync/DeviceRoster";
import { startLiveSync, type LiveSync } from "../sync/liveSync";
import { Outbox } from "../sync/Outbox";
import { createWriteSender } from "../sync/sendWrite";
import type { OpenSocket } from "../sync/socket";
import { ACCOUNT_DELETED, signOutMessage } from "./signOutMessage";
import type { TabCoordination } from "../sync/tabChannel";

/** How long sign-out waits for queued writes to reach the server before it goes ahead. */
export const SIGN_OUT_FLUSH_MS = 3_000;

export interface AccountOptions {
  appState: AppStateApi;
  auth: AuthApi;
  todos: TodosApi;
  account: AccountApi;
  fetchGrant(since: number): Promise<WebSocketGrant>;
  openSocket: OpenSocket;
  deviceId: string;
  env: Environment;
  /** Lets the tabs of this browser share one socket; absent or null, this tab opens its own. */
  tabs?: TabCoordination | null;
}

/** What runs while this tab is signed in. */
interface Running {
  sync: LiveSync;
  outbox: Outbox;
  roster: DeviceRoster;
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
 * the app state, ends the session once, saying why when the server said.
 *
 * The account controls (devices, password, tokens, deletion) go through here too, so that a
 * session found gone by any of them ends the same way.
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

  /** Succeeds whether or not the email has an account: the server never says. */
  async requestPasswordReset(body: PasswordResetRequestBody): Promise<void> {
    await this.options.auth.requestPasswordReset(body);
  }

  /**
   * Sets the new password with the emailed token. The server then signs out every session of
   * the account, this tab's too if it was signed in to it (its socket closes with 4001).
   */
  async confirmPasswordReset(body: PasswordResetConfirmBody): Promise<void> {
    await this.options.auth.confirmPasswordReset(body);
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
    this.running?.sync.announceSignedOut(SignOutReason.SIGNED_OUT);
    this.end();
  }

  /** Skips the reconnect wait of an outage (the status bar's "Try now"). */
  tryNow(): void {
    this.running?.sync.connection.tryNow();
  }

  dispose(): void {
    this.stop();
  }

  /** Keeps the device and token lists current until the returned function is called. */
  watchRoster(): () => void {
    return this.running?.roster.watch() ?? (() => {});
  }

  async renameDevice(id: string, name: string): Promise<void> {
    this.options.appState.getState().deviceUpdated(await this.guard(this.options.account.renameDevice(id, name)));
  }

  /** Revoking this very device is signing out. */
  async revokeDevice(device: Device): Promise<void> {
    if (device.current) return this.signOut();
    await this.guard(this.options.account.revokeDevice(device.id));
    this.options.appState.getState().deviceRemoved(device.id);
  }

  async revokeOtherDevices(): Promise<void> {
    await this.guard(this.options.account.revokeOtherDevices());
    this.running?.roster.changed();
  }

  /**
   * This tab stays signed in: the answer carries the session's new cookie, and the server
   * closes this session's sockets with 4002 so the reconnector opens a new one at once.
   */
  async changePassword(body: ChangePasswordBody): Promise<void> {
    await this.guard(this.options.account.changePassword(body));
  }

  async deleteAccount(password: string): Promise<void> {
    await this.guard(this.options.account.deleteAccount({ password }));
    this.end(ACCOUNT_DELETED);
  }

  /** The secret is in the answer, once; the caller shows it. */
  async createToken(body: CreateTokenBody): Promise<CreateTokenResponse> {
    const created = await this.guard(this.options.account.createToken(body));
    this.running?.roster.changed();
    return created;
  }

  async revokeToken(id: string): Promise<void> {
    await this.guard(this.options.account.revokeToken(id));
    this.options.appState.getState().tokenRemoved(id);
  }

  private begin(user: User): void {
    const { appState, todos, account, env } = this.options;
    this.stop();
    appState.getState().resetTodos();

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
      onDevicesChanged: () => roster.changed(),
      share: this.options.tabs ? { coordination: this.options.tabs, userId: user.id } : null,
    });
    const roster = new DeviceRoster({
      appState,
      load: async () => {
        const [devices, tokens] = await Promise.all([account.devices(), account.tokens()]);
        return { devices, tokens };
      },
      onFailure: (error) => {
        if (isSessionGone(error)) sync.connection.sessionEnded();
      },
    });
    const outbox = new Outbox({
      appState,
      env,
      send: createWriteSender(todos),
      onUnauthorized: () => sync.connection.sessionEnded(),
    });
    this.running = { sync, outbox, roster, unwatch };
    // Last: the signed-in screens use what was just started (the account page watches the roster).
    appState.getState().signedIn(user);
  }

  /** The server ended the session: the one reaction to a close 4001 or a 401 anywhere. */
  private expired(): void {
    this.end(signOutMessage(this.options.appState.getState().signOutReason));
  }

  /** A request of the account controls found the session gone: it ends like any other 401. */
  private async guard<T>(request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (error) {
      if (isSessionGone(error)) this.running?.sync.connection.sessionEnded();
      throw error;
    }
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

  /**
   * Stops syncing and forgets the list and the roster, telling the user about any write that
   * never landed; `message` says on the sign-in screen why the session ended, when this tab did
   * not end it itself.
   */
  private end(message: string | null = null): void {
    const { appState } = this.options;
    const unsaved = appState.getState().pending.length;
    this.stop();
    appState.getState().resetTodos();
    appState.getState().resetRoster();
    appState.getState().signedOut(message);
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
    running.roster.dispose();
  }
}
