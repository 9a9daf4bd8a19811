import { CloseCode, devicesMessage, PROTOCOL_VERSION, SignOutReason, type User } from "@tandem/protocol";
import type { AccountApi } from "../api/accountApi";
import { describe, expect, it } from "vitest";
import type { AuthApi } from "../api/authApi";
import { ApiError, NetworkError } from "../api/errors";
import type { TodosApi } from "../api/todosApi";
import { createAppState } from "../state/appState";
import { FakeEnvironment, settle } from "../testing/FakeEnvironment";
import { FakeSockets } from "../testing/FakeSockets";
import { makeDevice, makeTodo, makeToken, MY_DEVICE } from "../testing/fixtures";
import { Account, type AccountOptions } from "./Account";
import { SIGN_OUT_FLUSH_MS } from "./unsentChanges";
import { ACCOUNT_DELETED, SESSION_ENDED } from "./signOutMessage";
import { LIST_SAVE_DELAY_MS } from "../sync/listSaver";
import { memoryBrowserStorage, type BrowserStorage } from "../storage/browserStorage";

const ADA: User = { id: "user-1", email: "ada@example.com" };

function setup(storage: BrowserStorage = memoryBrowserStorage()) {
  const appState = createAppState();
  const env = new FakeEnvironment();
  const sockets = new FakeSockets();
  const log: string[] = [];
  let reachable = true;
  let cookieUser: User | null = null;
  const auth: AuthApi = {
    me: async () => {
      log.push("me");
      if (!reachable) throw new NetworkError();
      return cookieUser;
    },
    signIn: async () => ADA,
    signUp: async () => ADA,
    signOut: async () => {
      log.push("logout");
      if (!reachable) throw new NetworkError();
    },
    requestPasswordReset: async () => {},
    confirmPasswordReset: async () => {},
  };
  const thisTab = makeDevice({ current: true, online: 1, name: "Chrome on Linux" });
  const phone = makeDevice({ name: "Safari on iOS" });
  const accountApi: AccountApi = {
    devices: async () => {
      log.push("devices");
      return [thisTab, phone];
    },
    renameDevice: async (id, name) => ({ ...(id === phone.id ? phone : thisTab), name }),
    revokeDevice: async (id) => void log.push(`revoke ${id}`),
    revokeOtherDevices: async () => void log.push("revoke others"),
    changePassword: async () => void log.push("change password"),
    deleteAccount: async () => void log.push("delete account"),
    tokens: async () => [makeToken()],
    createToken: async (body) => ({ token: "secret", info: makeToken({ name: body.name }) }),
    revokeToken: async (id) => void log.push(`revoke token ${id}`),
  };
  const todos: TodosApi = {
    list: async () => ({ todos: [makeTodo({ text: "milk" })], seq: 1 }),
    create: async (body) => {
      log.push(`create ${body.text}`);
      if (!reachable) throw new NetworkError();
      return { todo: makeTodo({ id: body.id, text: body.text, device: MY_DEVICE }) };
    },
    update: async () => ({ todo: makeTodo() }),
    remove: async () => {},
    toggleAll: async () => ({ todos: [], seq: 1 }),
    clearCompleted: async () => ({ deleted: [], seq: 1 }),
  };
  const options: AccountOptions = {
    appState,
    auth,
    todos,
    account: accountApi,
    fetchGrant: async () => ({ id: "s", uri: "ws://localhost/ws?ticket=t", expiresAt: new Date().toISOString(), tags: [], protocolVersion: PROTOCOL_VERSION }),
    openSocket: sockets.open,
    deviceId: MY_DEVICE,
    env,
    storage,
  };
  const account = new Account(options);
  const setReachable = (value: boolean) => (reachable = value);
  const setCookieUser = (user: User | null) => (cookieUser = user);
  return { appState, env, sockets, log, account, setReachable, setCookieUser, todos, options, accountApi, thisTab, phone };
}

describe("Account", () => {
  it("restores to the sign-in screen without a session, and says so when the server is unreachable", async () => {
    const a = setup();
    await a.account.restore();
    expect(a.appState.getState().authStatus).toBe("signedOut");

    const b = setup();
    b.setReachable(false);
    await b.account.restore();
    expect(b.appState.getState().authStatus).toBe("unreachable");
  });

  it("shows a kept list at once, but sends its writes only once the server says the cookie is still that user's", async () => {
    const storage = memoryBrowserStorage();
    await storage.lists.save({ user: ADA, todos: [makeTodo({ text: "kept" })], seq: 1, savedAt: 0 });
    storage.setLastUserId(ADA.id);
    const { account, appState, sockets, setReachable, setCookieUser, log } = setup(storage);
    setReachable(false);
    setCookieUser(ADA);
    await account.restore();
    expect(appState.getState().todos.map((t) => t.text)).toEqual(["kept"]);
    appState.getState().addTodo("typed before the server answered");
    await settle();
    expect(log.filter((line) => line.startsWith("create"))).toEqual([]);

    // The server is back: the socket goes live, the session is asked about again, and only then is the write sent.
    setReachable(true);
    await settle();
    sockets.last.open();
    await settle();
    expect(log.filter((line) => line === "me")).toHaveLength(2);
    expect(log.filter((line) => line.startsWith("create"))).toEqual(["create typed before the server answered"]);
    expect(appState.getState().pending).toEqual([]);
  });

  it("never sends a kept list's writes when the cookie turns out to be signed out", async () => {
    const storage = memoryBrowserStorage();
    await storage.lists.save({ user: ADA, todos: [makeTodo({ text: "kept" })], seq: 1, savedAt: 0 });
    storage.setLastUserId(ADA.id);
    const { account, appState, log, options } = setup(storage);
    let answer: (user: User | null) => void = () => {};
    options.auth.me = () => new Promise((resolve) => (answer = resolve));
    const restored = account.restore();
    await settle();
    appState.getState().addTodo("typed on the kept list");
    await settle();
    answer(null);
    await restored;
    await settle();
    expect(log.filter((line) => line.startsWith("create"))).toEqual([]);
    expect(appState.getState().authStatus).toBe("signedOut");
    expect(await storage.outboxFor(ADA.id).all()).toHaveLength(1);
  });

  it("signing in shows the user's list and goes live", async () => {
    const { account, appState, sockets } = setup();
    await account.signIn({ email: ADA.email, password: "correct horse" });
    expect(appState.getState()).toMatchObject({ authStatus: "signedIn", user: ADA });
    await settle();
    sockets.last.open();
    expect(appState.getState().connectionStatus).toBe("live");
    expect(appState.getState().todos.map((t) => t.text)).toEqual(["milk"]);
  });

  it("sends writes queued while the server was unreachable once the socket is live again", async () => {
    const { account, appState, sockets, setReachable, log, env } = setup();
    await account.signIn({ email: ADA.email, password: "correct horse" });
    await settle();
    sockets.last.open();
    setReachable(false);
    appState.getState().addTodo("eggs");
    await settle();
    expect(appState.getState().pending).toHaveLength(1);

    setReachable(true);
    sockets.last.serverClose(CloseCode.SERVICE_RESTART);
    appState.getState().addTodo("bread");
    env.advance(250);
    await settle();
    expect(sockets.opened).toHaveLength(2);
    sockets.last.open();
    await settle();
    expect(appState.getState().pending).toEqual([]);
    expect(log.filter((line) => line.startsWith("create"))).toEqual(["create eggs", "create eggs", "create bread"]);
  });

  it("when the server ends the session (4001), wipes the list, shows sign-in and says so", async () => {
    const { account, appState, sockets } = setup();
    await account.signIn({ email: ADA.email, password: "correct horse" });
    await settle();
    sockets.last.open();
    sockets.last.serverClose(CloseCode.SIGNED_OUT);
    expect(appState.getState()).toMatchObject({
      authStatus: "signedOut",
      user: null,
      todos: [],
      connectionStatus: "idle",
      signedOutMessage: SESSION_ENDED,
    });
    expect(appState.getState().notices).toEqual([]);
  });

  it("signing out lets queued writes land first, then logs out and forgets the list", async () => {
    const { account, appState, sockets, log } = setup();
    await account.signIn({ email: ADA.email, password: "correct horse" });
    await settle();
    sockets.last.open();
    appState.getState().addTodo("eggs");
    await account.signOut();
    expect(log).toEqual(["create eggs", "logout"]);
    expect(appState.getState()).toMatchObject({ authStatus: "signedOut", todos: [], pending: [] });
    expect(appState.getState().notices).toEqual([]);
  });

  it("stays signed in when unsent writes cannot be sent first, and signs out discarding them when asked", async () => {
    const { account, appState, env, setReachable, options, log } = setup();
    await account.signIn({ email: ADA.email, password: "correct horse" });
    await settle();
    env.emit("offline");
    appState.getState().addTodo("eggs");
    setReachable(true);
    const done = account.signOut("send");
    env.advance(SIGN_OUT_FLUSH_MS);
    expect(await done).toBe(false);
    expect(appState.getState().authStatus).toBe("signedIn");
    expect(appState.getState().notices.map((n) => n.message)).toEqual([
      "1 change could not be sent yet. Stay signed in until they are, or sign out and discard them.",
    ]);
    expect(await options.storage.outboxFor(ADA.id).all()).toHaveLength(1);

    expect(await account.signOut("discard")).toBe(true);
    expect(appState.getState()).toMatchObject({ authStatus: "signedOut", todos: [], pending: [] });
    expect(await options.storage.outboxFor(ADA.id).all()).toEqual([]);
    expect(log).toEqual(["logout"]);
  });

  it("stays signed in, and says why, when the sign-out request fails", async () => {
    const { account, appState, setReachable } = setup();
    await account.signIn({ email: ADA.email, password: "correct horse" });
    setReachable(false);
    await account.signOut();
    expect(appState.getState().authStatus).toBe("signedIn");
    expect(appState.getState().notices.at(-1)?.message).toMatch(/^Couldn't sign out: /);
  });

  it("ends the session once when the server ends it in two places at once (a 401 and a 4001)", async () => {
    const { account, appState, sockets, todos } = setup();
    await account.signIn({ email: ADA.email, password: "correct horse" });
    await settle();
    const socket = sockets.last;
    socket.open();
    todos.create = () => Promise.reject(new ApiError(401, "unauthorized", "sign in"));
    appState.getState().addTodo("eggs");
    await settle();
    socket.serverClose(CloseCode.SIGNED_OUT);
    expect(appState.getState().notices.map((n) => n.message)).toEqual([
      "1 change not sent yet is kept in this browser and will be sent when you sign in again.",
    ]);
    expect(appState.getState().signedOutMessage).toBe(SESSION_ENDED);
  });

  it("keeps the list, says an update is available and stops reconnecting when the server speaks a newer protocol", async () => {
    const { appState, sockets, env, log, options } = setup();
    const account = new Account({
      ...options,
      fetchGrant: async () => ({ ...(await options.fetchGrant(0)), protocolVersion: PROTOCOL_VERSION + 1 }),
    });
    await account.signIn({ email: ADA.email, password: "correct horse" });
    await settle();
    expect(appState.getState()).toMatchObject({ authStatus: "signedIn", connectionStatus: "outdated" });
    expect(appState.getState().todos.map((t) => t.text)).toEqual(["milk"]);
    expect(sockets.opened).toHaveLength(0);
    // No reconnect is scheduled: the one timer is the list's save to the browser.
    expect(env.pendingDelays()).toEqual([LIST_SAVE_DELAY_MS]);
    // Writes still go over HTTP, which is not versioned with the socket protocol.
    appState.getState().addTodo("eggs");
    await settle();
    expect(log).toEqual(["create eggs"]);
    expect(appState.getState().pending).toEqual([]);
  });

  it("a 401 while writing ends the session too", async () => {
    const { account, appState, sockets, todos } = setup();
    await account.signIn({ email: ADA.email, password: "correct horse" });
    await settle();
    sockets.last.open();
    todos.create = () => Promise.reject(new ApiError(401, "unauthorized", "sign in"));
    appState.getState().addTodo("eggs");
    await settle();
    expect(appState.getState()).toMatchObject({ authStatus: "signedOut", todos: [] });
    expect(sockets.last.closedByClient).toBe(true);
  });
});

/** Signed in, with the socket open. */
async function signedIn() {
  const ctx = setup();
  await ctx.account.signIn({ email: ADA.email, password: "correct horse" });
  await settle();
  ctx.sockets.last.open();
  return ctx;
}

describe("Account: the account controls", () => {
  it("says on the sign-in screen why the server ended the session", async () => {
    const { appState, sockets } = await signedIn();
    sockets.last.serverClose(CloseCode.SIGNED_OUT, SignOutReason.DEVICE_REVOKED);
    expect(appState.getState()).toMatchObject({
      authStatus: "signedOut",
      signedOutMessage: "You were signed out from another device.",
    });
  });

  it("clears that message at the next sign-in, and an own sign-out leaves none", async () => {
    const { appState, sockets, account } = await signedIn();
    sockets.last.serverClose(CloseCode.SIGNED_OUT, SignOutReason.PASSWORD_CHANGED);
    await account.signIn({ email: ADA.email, password: "new password" });
    expect(appState.getState().signedOutMessage).toBeNull();
    await account.signOut();
    expect(appState.getState()).toMatchObject({ authStatus: "signedOut", signedOutMessage: null });
  });

  it("stays signed in after changing the password here, and reconnects when the server renews the socket", async () => {
    const { appState, sockets, account, log, env } = await signedIn();
    await account.changePassword({ currentPassword: "correct horse", newPassword: "battery staple" });
    sockets.last.serverClose(CloseCode.SESSION_RENEWED);
    env.advance(0);
    await settle();
    expect(sockets.opened).toHaveLength(2);
    sockets.last.open();
    expect(appState.getState()).toMatchObject({ authStatus: "signedIn", connectionStatus: "live" });
    expect(log).toContain("change password");
  });

  it("a wrong current password is the form's error, not the end of the session", async () => {
    const { appState, account, accountApi } = await signedIn();
    accountApi.changePassword = () => Promise.reject(new ApiError(401, "invalid_credentials", "Wrong password"));
    await expect(account.changePassword({ currentPassword: "nope", newPassword: "battery staple" })).rejects.toThrow("Wrong password");
    expect(appState.getState().authStatus).toBe("signedIn");

    accountApi.renameDevice = () => Promise.reject(new ApiError(401, "unauthorized", "Sign in first"));
    await expect(account.renameDevice("d", "x")).rejects.toThrow();
    expect(appState.getState()).toMatchObject({ authStatus: "signedOut", signedOutMessage: SESSION_ENDED });
  });

  it("deleting the account signs this tab out and says so", async () => {
    const { appState, account, log } = await signedIn();
    await account.deleteAccount("correct horse");
    expect(log).toContain("delete account");
    expect(appState.getState()).toMatchObject({ authStatus: "signedOut", todos: [], signedOutMessage: ACCOUNT_DELETED });
  });

  it("loads the roster while watched and fetches it again on each roster message from the socket", async () => {
    const { appState, account, sockets, log, thisTab, phone } = await signedIn();
    const unwatch = account.watchRoster();
    await settle();
    expect(appState.getState().devices).toEqual([thisTab, phone]);
    expect(appState.getState().tokens).toHaveLength(1);
    sockets.last.deliver(devicesMessage("online", phone.id));
    await settle();
    expect(log.filter((line) => line === "devices")).toHaveLength(2);
    unwatch();
    sockets.last.deliver(devicesMessage("offline", phone.id));
    await settle();
    expect(log.filter((line) => line === "devices")).toHaveLength(2);
  });

  it("has the roster ready by the time the signed-in screens appear", async () => {
    const { appState, account, log } = setup();
    appState.subscribe((state, previous) => {
      if (state.authStatus === "signedIn" && previous.authStatus !== "signedIn") account.watchRoster();
    });
    await account.signIn({ email: ADA.email, password: "correct horse" });
    expect(log).toContain("devices");
  });

  it("signs another device out by id, and this one by signing out", async () => {
    const { appState, account, log, thisTab, phone } = await signedIn();
    account.watchRoster();
    await settle();
    await account.revokeDevice(phone);
    expect(log).toContain(`revoke ${phone.id}`);
    expect(appState.getState().devices).toEqual([thisTab]);
    await account.revokeDevice(thisTab);
    expect(log.at(-1)).toBe("logout");
    expect(appState.getState()).toMatchObject({ authStatus: "signedOut", devices: [], signedOutMessage: null });
  });

  it("renames a device, and creates and revokes tokens", async () => {
    const { appState, account, log, phone } = await signedIn();
    account.watchRoster();
    await settle();
    await account.renameDevice(phone.id, "Ada's phone");
    expect(appState.getState().devices.map((d) => d.name)).toContain("Ada's phone");
    const created = await account.createToken({ email: ADA.email, password: "correct horse", name: "CLI", expiresInDays: 30 });
    expect(created).toMatchObject({ token: "secret", info: { name: "CLI" } });
    const [token] = appState.getState().tokens;
    if (!token) throw new Error("no token listed");
    await account.revokeToken(token.id);
    expect(log).toContain(`revoke token ${token.id}`);
    expect(appState.getState().tokens.some((t) => t.id === token.id)).toBe(false);
  });
});
