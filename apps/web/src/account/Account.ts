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
import type { BrowserStorage } from "../storage/browserStorage";
import type { CachedList } from "../sync/listCache";
import type { OpenSocket } from "../sync/socket";
import { ACCOUNT_DELETED, signOutMessage } from "./signOutMessage";
import { loadKeptList, whenLiveAgain } from "./keptList";
import { startSignedIn, type SignedIn } from "./signedIn";
import { keptForNextSignInMessage, sendWithinSignOutWait, stillUnsentMessage, type UnsentChoice } from "./unsentChanges";
import type { TabCoordination } from "../sync/tabChannel";

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
  /** The outbox, the last list and the outbox's drain lock, per user. */
  storage: BrowserStorage;
}

/**
 * The signed-in life of this tab: signing in starts the live sync and the user's durable outbox,
 * signing out (or the server ending the session) stops them and wipes the list from the screen
 * and from the browser, so a signed-out screen never holds anyone's todos.
 *
 * On start, the list this browser kept for the last user is shown at once (marked not yet live)
 * while the session is checked and the socket catches up from its seq.
 *
 * The server ends a session in one of two ways, a socket closed with 4001 or a 401 on any
 * request, and both take one path: the reconnector's status machine (the outbox reports its
 * 401 there too) turns `signedOut` once, the app state records it, and this class, watching
 * the app state, ends the session once, saying why when the server said. Unsent changes then
 * stay in the browser, under that user, and are sent when they next sign in here; nobody else
 * ever sees them.
 *
 * The account controls (devices, password, tokens, deletion) go through here too, so that a
 * session found gone by any of them ends the same way.
 */
export class Account {
  private running: SignedIn | null = null;

  constructor(private readonly options: AccountOptions) {}

  /**
   * Resumes the session the cookie still holds, if any (on page load). A kept list shows at once,
   * and its outbox records writes, but sends nothing until the server has said the cookie is
   * still that user's: asked now, and, while it cannot be reached, again each time the
   * connection comes back (after this has returned).
   */
  async restore(): Promise<void> {
    const { appState } = this.options;
    const cached = await loadKeptList(this.options.storage);
    if (cached) this.begin(cached.user, cached);
    const outcome = await this.checkSession(cached);
    if (outcome !== "unreachable") return;
    if (!cached) {
      appState.getState().authUnreachable();
      return;
    }
    // The kept list stays on screen, not live, while the connection keeps trying.
    void (async () => {
      while ((await whenLiveAgain(appState, () => this.running?.user.id === cached.user.id)) && (await this.checkSession(cached)) === "unreachable");
    })();
  }

  /** Asks the server whose session the cookie holds, and goes on (or ends) accordingly. */
  private async checkSession(cached: CachedList | null): Promise<"done" | "unreachable"> {
    const { appState, auth, storage } = this.options;
    let user: User | null;
    try {
      user = await auth.me();
    } catch {
      return "unreachable";
    }
    if (user === null) {
      if (cached) this.end(null, false);
      else appState.getState().signedOut();
    } else if (cached && this.running?.user.id === user.id) {
      this.running.outbox.release();
    } else {
      if (cached) await storage.lists.clear(cached.user.id);
      this.begin(user);
    }
    return "done";
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

  /** Unsent changes (queued or failed) of the signed-in user: sign-out asks about them. */
  unsentCount(): number {
    const state = this.options.appState.getState();
    return state.pending.length + state.failed.length;
  }

  /**
   * Signs out; resolves whether it did. With unsent changes, `send` tries to deliver them first and
   * stays signed in if it cannot (saying so); `discard` drops them. Nothing of this user's stays.
   */
  async signOut(unsent: UnsentChoice = "send"): Promise<boolean> {
    const { appState, auth } = this.options;
    const outbox = this.running?.outbox;
    await outbox?.idle();
    if (outbox && unsent === "send" && this.unsentCount() > 0) {
      await sendWithinSignOutWait(outbox, this.options.env);
      const left = this.unsentCount();
      if (left > 0) {
        appState.getState().notify(stillUnsentMessage(left));
        return false;
      }
    }
    // Dropped before the session ends, so the session's end finds nothing left to keep.
    if (unsent === "discard") await outbox?.clear();
    try {
      await auth.signOut();
    } catch (error) {
      // 401: already signed out on the server, which is what was asked for.
      if (!isUnauthorized(error)) {
        appState.getState().notify(`Couldn't sign out: ${errorMessage(error)}`);
        return false;
      }
    }
    this.running?.sync.announceSignedOut(SignOutReason.SIGNED_OUT);
    this.end(null, true);
    return true;
  }

  /** Whether the unsent writes live only in this tab's memory (the browser refused to store one). */
  writesOnlyInThisTab(): boolean {
    return this.running?.outbox.inMemory ?? false;
  }

  /** Skips the reconnect wait of an outage (the status bar's "Try now"). */
  tryNow(): void {
    this.running?.sync.connection.tryNow();
  }

  // ---- what the person decides about a write that failed for good
  retryWrite = (writeId: string) => this.running?.outbox.retry(writeId);
  discardWrite = (writeId: string) => this.running?.outbox.discard(writeId);
  keepAsNew = (writeId: string) => this.running?.outbox.keepAsNew(writeId);
  overwrite = (writeId: string) => this.running?.outbox.overwrite(writeId);

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
    if (device.current) {
      await this.signOut();
      return;
    }
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

  /** The account's unsent changes go with it: there is nobody left to send them for. */
  async deleteAccount(password: string): Promise<void> {
    await this.guard(this.options.account.deleteAccount({ password }));
    await this.running?.outbox.clear();
    this.end(ACCOUNT_DELETED, true);
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

  private begin(user: User, cached?: CachedList): void {
    const { appState, storage } = this.options;
    this.stop();
    appState.getState().resetTodos();
    storage.setLastUserId(user.id);
    if (cached) appState.getState().loadCached(cached.todos);
    this.running = startSignedIn(this.options, user, cached, () => this.expired());
    // Last: the signed-in screens use what was just started (the account page watches the roster).
    appState.getState().signedIn(user);
    // Whose session the cookie holds: the server just said, unless this is a kept list (then
    // `restore` asks, and releases the outbox once the answer is this user).
    void this.running.outbox.start({ hold: cached !== undefined });
  }

  /** The server ended the session: the one reaction to a close 4001 or a 401 anywhere. */
  private expired(): void {
    this.end(signOutMessage(this.options.appState.getState().signOutReason), false);
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

  /**
   * Stops syncing and forgets the list and the roster, on screen and in the browser; `message`
   * says on the sign-in screen why the session ended, when this tab did not end it itself. When
   * this tab ended it (`byThisTab`) the outbox was emptied first; when the session ended
   * otherwise its unsent writes stay stored under this user, to be sent at their next sign-in here.
   */
  private end(message: string | null, byThisTab: boolean): void {
    const { appState, storage } = this.options;
    const user = this.running?.user ?? null;
    const unsent = this.unsentCount();
    this.stop();
    appState.getState().resetTodos();
    appState.getState().resetRoster();
    appState.getState().signedOut(message);
    storage.setLastUserId(null);
    if (user) void storage.lists.clear(user.id).catch(() => {});
    if (!byThisTab && unsent > 0) {
      appState.getState().notify(keptForNextSignInMessage(unsent), "info");
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
