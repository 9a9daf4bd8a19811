import { CloseCode, PROTOCOL_VERSION, type User } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import type { AuthApi } from "../api/authApi";
import { ApiError, NetworkError } from "../api/errors";
import type { TodosApi } from "../api/todosApi";
import { createAppStore } from "../store/appStore";
import { FakeEnvironment, settle } from "../testing/FakeEnvironment";
import { FakeSockets } from "../testing/FakeSockets";
import { makeTodo, MY_DEVICE } from "../testing/fixtures";
import { Session, SIGN_OUT_FLUSH_MS } from "./Session";

const ADA: User = { id: "user-1", email: "ada@example.com" };

function setup() {
  const store = createAppStore();
  const env = new FakeEnvironment();
  const sockets = new FakeSockets();
  const log: string[] = [];
  let reachable = true;
  const auth: AuthApi = {
    me: async () => {
      if (!reachable) throw new NetworkError();
      return null;
    },
    signIn: async () => ADA,
    signUp: async () => ADA,
    signOut: async () => {
      log.push("logout");
      if (!reachable) throw new NetworkError();
    },
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
  const session = new Session({
    store,
    auth,
    todos,
    fetchGrant: async () => ({ id: "s", uri: "ws://localhost/ws?ticket=t", expiresAt: new Date().toISOString(), tags: [], protocolVersion: PROTOCOL_VERSION }),
    openSocket: sockets.open,
    deviceId: MY_DEVICE,
    env,
  });
  const setReachable = (value: boolean) => (reachable = value);
  return { store, env, sockets, log, session, setReachable, todos };
}

describe("Session", () => {
  it("restores to the sign-in screen without a session, and says so when the server is unreachable", async () => {
    const a = setup();
    await a.session.restore();
    expect(a.store.getState().sessionStatus).toBe("signedOut");

    const b = setup();
    b.setReachable(false);
    await b.session.restore();
    expect(b.store.getState().sessionStatus).toBe("unreachable");
  });

  it("signing in shows the user's list and goes live", async () => {
    const { session, store, sockets } = setup();
    await session.signIn({ email: ADA.email, password: "correct horse" });
    expect(store.getState()).toMatchObject({ sessionStatus: "signedIn", user: ADA });
    await settle();
    sockets.last.open();
    expect(store.getState().connectionStatus).toBe("live");
    expect(store.getState().todos.map((t) => t.text)).toEqual(["milk"]);
  });

  it("sends writes queued while the server was unreachable once the socket is live again", async () => {
    const { session, store, sockets, setReachable, log, env } = setup();
    await session.signIn({ email: ADA.email, password: "correct horse" });
    await settle();
    sockets.last.open();
    setReachable(false);
    store.getState().addTodo("eggs");
    await settle();
    expect(store.getState().pending).toHaveLength(1);

    setReachable(true);
    sockets.last.serverClose(CloseCode.SERVICE_RESTART);
    store.getState().addTodo("bread");
    env.advance(250);
    await settle();
    expect(sockets.opened).toHaveLength(2);
    sockets.last.open();
    await settle();
    expect(store.getState().pending).toEqual([]);
    expect(log.filter((line) => line.startsWith("create"))).toEqual(["create eggs", "create eggs", "create bread"]);
  });

  it("when the server ends the session (4001), wipes the list, shows sign-in and says so", async () => {
    const { session, store, sockets } = setup();
    await session.signIn({ email: ADA.email, password: "correct horse" });
    await settle();
    sockets.last.open();
    sockets.last.serverClose(CloseCode.SIGNED_OUT);
    expect(store.getState()).toMatchObject({ sessionStatus: "signedOut", user: null, todos: [], connectionStatus: "idle" });
    expect(store.getState().notices.map((n) => n.message)).toEqual(["Your session has ended. Please sign in again."]);
  });

  it("signing out lets queued writes land first, then logs out and forgets the list", async () => {
    const { session, store, sockets, log } = setup();
    await session.signIn({ email: ADA.email, password: "correct horse" });
    await settle();
    sockets.last.open();
    store.getState().addTodo("eggs");
    await session.signOut();
    expect(log).toEqual(["create eggs", "logout"]);
    expect(store.getState()).toMatchObject({ sessionStatus: "signedOut", todos: [], pending: [] });
    expect(store.getState().notices).toEqual([]);
  });

  it("says which writes were lost when signing out with some still unsent", async () => {
    const { session, store, env, setReachable } = setup();
    await session.signIn({ email: ADA.email, password: "correct horse" });
    await settle();
    env.emit("offline");
    store.getState().addTodo("eggs");
    setReachable(true);
    const done = session.signOut();
    env.advance(SIGN_OUT_FLUSH_MS);
    await done;
    expect(store.getState().sessionStatus).toBe("signedOut");
    expect(store.getState().notices.map((n) => n.message)).toEqual([
      "1 unsaved change could not be sent to the server and was discarded.",
    ]);
  });

  it("stays signed in, and says why, when the sign-out request fails", async () => {
    const { session, store, setReachable } = setup();
    await session.signIn({ email: ADA.email, password: "correct horse" });
    setReachable(false);
    await session.signOut();
    expect(store.getState().sessionStatus).toBe("signedIn");
    expect(store.getState().notices.at(-1)?.message).toMatch(/^Couldn't sign out: /);
  });

  it("a 401 while writing ends the session too", async () => {
    const { session, store, sockets, todos } = setup();
    await session.signIn({ email: ADA.email, password: "correct horse" });
    await settle();
    sockets.last.open();
    todos.create = () => Promise.reject(new ApiError(401, "unauthorized", "sign in"));
    store.getState().addTodo("eggs");
    await settle();
    expect(store.getState()).toMatchObject({ sessionStatus: "signedOut", todos: [] });
    expect(sockets.last.closedByClient).toBe(true);
  });
});
