import { CloseCode, PROTOCOL_VERSION, resyncMessage, type TodoListResponse, type WebSocketGrant } from "@tandem/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, NetworkError } from "../api/errors";
import { createAppState } from "../state/appState";
import { FakeEnvironment, settle } from "../testing/FakeEnvironment";
import { FakeSockets } from "../testing/FakeSockets";
import { makeTodo, upsertEvent } from "../testing/fixtures";
import { startLiveSync } from "./liveSync";

afterEach(() => {
  vi.restoreAllMocks();
});

function setup(initial: TodoListResponse = { todos: [], seq: 0 }) {
  const env = new FakeEnvironment();
  const sockets = new FakeSockets();
  const appState = createAppState();
  appState.getState().signedIn({ id: "user-1", email: "ada@example.com" });
  const calls = { snapshots: 0, grants: [] as number[] };
  const server = {
    protocolVersion: PROTOCOL_VERSION,
    snapshot: async (): Promise<TodoListResponse> => initial,
    grant: async (since: number): Promise<WebSocketGrant> => ({
      id: `socket-${calls.grants.length}`,
      uri: `ws://localhost:5173/ws?ticket=t${calls.grants.length}&since=${since}`,
      expiresAt: new Date(env.now() + 60_000).toISOString(),
      tags: ["user:user-1"],
      protocolVersion: server.protocolVersion,
    }),
  };
  const start = () =>
    startLiveSync({
      deviceId: "web-this-tab",
      fetchSnapshot: () => {
        calls.snapshots += 1;
        return server.snapshot();
      },
      fetchGrant: (since) => {
        calls.grants.push(since);
        return server.grant(since);
      },
      openSocket: sockets.open,
      appState,
      env,
    });
  const texts = () => appState.getState().todos.map((item) => item.text);
  const status = () => appState.getState().connectionStatus;
  return { env, sockets, appState, calls, server, start, texts, status };
}

/** Starts syncing and opens the first socket. */
async function live(initial?: TodoListResponse) {
  const ctx = setup(initial);
  const sync = ctx.start();
  await settle();
  ctx.sockets.last.open();
  return { ...ctx, sync };
}

describe("live sync", () => {
  it("loads the snapshot, then opens a socket from a fresh grant with since=<snapshot seq>", async () => {
    const milk = makeTodo({ text: "milk" });
    const { start, appState, calls, sockets, env, texts, status } = setup({ todos: [milk], seq: 12 });
    start();
    expect(status()).toBe("connecting");
    await settle();
    expect(texts()).toEqual(["milk"]);
    expect(calls.grants).toEqual([12]);
    expect(sockets.last.uri).toContain("ticket=t1");
    expect(status()).toBe("connecting");

    env.advance(5);
    sockets.last.open();
    expect(status()).toBe("live");
    expect(appState.getState().lastSyncAt).toBe(env.now());
  });

  it("reconnects after a restart close with since=<last seq>, without a second snapshot", async () => {
    const { sockets, env, calls, status, sync } = await live({ todos: [], seq: 5 });
    sockets.last.deliver(upsertEvent(makeTodo(), 6, "create"));
    sockets.last.serverClose(CloseCode.SERVICE_RESTART);
    expect(status()).toBe("reconnecting");
    env.advance(250);
    await settle();
    expect(calls.snapshots).toBe(1);
    expect(calls.grants).toEqual([5, 6]);
    sockets.last.open();
    expect(status()).toBe("live");
    expect(sync.follower.state).toEqual({ kind: "live", lastSeq: 6 });
  });

  it("refetches on a gap over the open socket, which stays live", async () => {
    const a = makeTodo({ text: "a" });
    const { sockets, server, calls, texts, status } = await live({ todos: [], seq: 1 });
    server.snapshot = async () => ({ todos: [a], seq: 3 });
    sockets.last.deliver(upsertEvent(a, 3, "create")); // seq 2 was missed
    await settle();
    expect(calls.snapshots).toBe(2);
    expect(texts()).toEqual(["a"]);
    expect(sockets.opened).toHaveLength(1);
    expect(sockets.last.closedByClient).toBe(false);
    expect(status()).toBe("live");
  });

  it("reconnects (fetching the snapshot first) when a refetch fails", async () => {
    const { sockets, server, calls, status, env } = await live({ todos: [], seq: 2 });
    server.snapshot = async () => {
      throw new NetworkError();
    };
    sockets.last.deliver(resyncMessage(9));
    await settle();
    expect(status()).toBe("reconnecting");
    expect(sockets.opened[0]?.closedByClient).toBe(true);

    server.snapshot = async () => ({ todos: [], seq: 9 });
    env.advance(1_000);
    await settle();
    expect(calls.snapshots).toBe(3);
    expect(calls.grants).toEqual([2, 9]);
  });

  it("ends the session on a 401 from the snapshot", async () => {
    const { start, server, status, sockets } = setup();
    server.snapshot = async () => {
      throw new ApiError(401, "unauthorized", "sign in");
    };
    start();
    await settle();
    expect(status()).toBe("signedOut");
    expect(sockets.opened).toHaveLength(0);
  });

  it("ignores frames that are not server messages (with a warning) and unknown types (quietly)", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const todo = makeTodo({ text: "v2", version: 2 });
    const { sockets, texts, calls, sync } = await live({ todos: [todo], seq: 7 });
    sockets.last.deliver("not json");
    sockets.last.deliver({ meta: { eventName: "upsert", seq: 8 } });
    expect(warn).toHaveBeenCalledTimes(2);

    warn.mockClear();
    sockets.last.deliver({ type: "presence", devices: [{ id: "web-phone" }] });
    expect(warn).not.toHaveBeenCalled();
    expect(texts()).toEqual(["v2"]);
    expect(sync.follower.state).toEqual({ kind: "live", lastSeq: 7 });

    // The stream goes on: the next change is applied as usual.
    sockets.last.deliver(upsertEvent(makeTodo({ text: "next" }), 8, "create"));
    expect(texts()).toEqual(["v2", "next"]);
    expect(calls.snapshots).toBe(1);
  });

  it("a replaced socket's late messages never reach the list", async () => {
    const { sockets, env, status, texts } = await live({ todos: [], seq: 1 });
    const old = sockets.last;
    old.serverClose(CloseCode.GOING_AWAY);
    env.advance(250);
    await settle();
    sockets.last.open();

    old.deliver(upsertEvent(makeTodo({ text: "late" }), 2, "create"));
    old.serverClose(CloseCode.SIGNED_OUT);
    expect(texts()).toEqual([]);
    expect(status()).toBe("live");
  });

  it("says the app is outdated, and opens no socket, when the server speaks another protocol version", async () => {
    const { start, server, status, sockets, env } = setup();
    server.protocolVersion = PROTOCOL_VERSION + 1;
    start();
    await settle();
    expect(status()).toBe("outdated");
    expect(sockets.opened).toHaveLength(0);
    expect(env.pendingDelays()).toEqual([]);
  });

  it("dispose stops everything: status idle, and late messages are ignored", async () => {
    const { sync, sockets, env, status, texts } = await live();
    const socket = sockets.last;
    sync.connection.dispose();
    expect(status()).toBe("idle");
    expect(socket.closedByClient).toBe(true);
    expect(env.listenerCount()).toBe(0);
    socket.deliver(upsertEvent(makeTodo(), 1, "create"));
    expect(texts()).toEqual([]);
  });
});
