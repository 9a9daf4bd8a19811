import { CloseCode, PROTOCOL_VERSION, resyncMessage, type TodoListResponse, type WebSocketGrant } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../api/errors";
import { createAppState } from "../state/appState";
import { FakeEnvironment, settle } from "../testing/FakeEnvironment";
import { FakeSockets } from "../testing/FakeSockets";
import { deleteEvent, makeTodo, MY_DEVICE, OTHER_DEVICE, upsertEvent } from "../testing/fixtures";
import { createStateSink } from "./stateSink";
import { STABLE_CONNECTION_MS, SyncClient } from "./SyncClient";

function setup(initial: TodoListResponse = { todos: [], seq: 0 }) {
  const env = new FakeEnvironment();
  const sockets = new FakeSockets();
  const appState = createAppState();
  appState.getState().signedIn({ id: "user-1", email: "ada@example.com" });
  const calls = { snapshots: 0, grants: [] as number[], signedOut: 0 };
  const server = {
    snapshot: async (): Promise<TodoListResponse> => initial,
    grant: async (since: number): Promise<WebSocketGrant> => ({
      id: `socket-${calls.grants.length}`,
      uri: `ws://localhost:5173/ws?ticket=t${calls.grants.length}&since=${since}`,
      expiresAt: new Date(env.now() + 60_000).toISOString(),
      tags: ["user:user-1"],
      protocolVersion: PROTOCOL_VERSION,
    }),
  };
  const client = new SyncClient({
    deviceId: MY_DEVICE,
    fetchSnapshot: () => {
      calls.snapshots += 1;
      return server.snapshot();
    },
    fetchGrant: (since) => {
      calls.grants.push(since);
      return server.grant(since);
    },
    openSocket: sockets.open,
    sink: createStateSink(appState, () => (calls.signedOut += 1)),
    env,
  });
  const texts = () => appState.getState().todos.map((item) => item.text);
  return { env, sockets, appState, calls, server, client, texts };
}

/** Starts the client and opens its first socket. */
async function live(initial?: TodoListResponse) {
  const ctx = setup(initial);
  ctx.client.start();
  await settle();
  ctx.sockets.last.open();
  return ctx;
}

describe("SyncClient: connecting", () => {
  it("loads the snapshot, then opens a socket from a fresh grant with since=<snapshot seq>", async () => {
    const milk = makeTodo({ text: "milk" });
    const { client, appState, calls, sockets, env, texts } = setup({ todos: [milk], seq: 12 });
    client.start();
    expect(appState.getState().connectionStatus).toBe("connecting");
    await settle();
    expect(texts()).toEqual(["milk"]);
    expect(calls.grants).toEqual([12]);
    expect(sockets.last.uri).toContain("ticket=t1");
    expect(appState.getState().connectionStatus).toBe("connecting");

    env.advance(5);
    sockets.last.open();
    expect(appState.getState().connectionStatus).toBe("live");
    expect(appState.getState().lastSyncAt).toBe(env.now());
  });

  it("starts offline when the browser is offline, and connects on `online`", async () => {
    const { client, env, appState, sockets } = setup();
    env.online = false;
    client.start();
    await settle();
    expect(appState.getState().connectionStatus).toBe("offline");
    expect(sockets.opened).toHaveLength(0);
    env.emit("online");
    await settle();
    expect(sockets.opened).toHaveLength(1);
    expect(appState.getState().connectionStatus).toBe("reconnecting");
  });
});

describe("SyncClient: applying messages", () => {
  it("applies other devices' changes and tracks their seq", async () => {
    const { sockets, client, texts } = await live({ todos: [], seq: 3 });
    const todo = makeTodo({ text: "eggs", device: OTHER_DEVICE });
    sockets.last.deliver(upsertEvent(todo, 4, "create"));
    sockets.last.deliver(upsertEvent({ ...todo, text: "brown eggs", version: 2 }, 5));
    expect(texts()).toEqual(["brown eggs"]);
    sockets.last.deliver(deleteEvent(todo.id, 6));
    expect(texts()).toEqual([]);
    expect(client.seq).toBe(6);
  });

  it("ignores its own device's echoes, but they still advance the seq", async () => {
    const { sockets, client, texts } = await live({ todos: [], seq: 3 });
    sockets.last.deliver(upsertEvent(makeTodo({ text: "mine", device: MY_DEVICE }), 4, "create"));
    expect(texts()).toEqual([]);
    expect(client.seq).toBe(4);
    // seq 5 is the next one: no gap is suspected after skipping our own seq 4.
    sockets.last.deliver(upsertEvent(makeTodo({ text: "theirs" }), 5, "create"));
    expect(texts()).toEqual(["theirs"]);
  });

  it("ignores duplicates (seq already seen) and frames that are not server messages", async () => {
    const todo = makeTodo({ text: "v2", version: 2 });
    const { sockets, client, texts, calls } = await live({ todos: [todo], seq: 7 });
    sockets.last.deliver(upsertEvent({ ...todo, text: "stale replay", version: 3 }, 7));
    sockets.last.deliver("not json");
    sockets.last.deliver({ meta: { eventName: "upsert", seq: 8 } });
    expect(texts()).toEqual(["v2"]);
    expect(client.seq).toBe(7);
    expect(calls.snapshots).toBe(1);
  });

  it("refetches on a gap, holding back messages until the snapshot is in, then replaying them", async () => {
    const a = makeTodo({ text: "a" });
    const { sockets, client, server, calls, texts } = await live({ todos: [], seq: 1 });
    const b = makeTodo({ text: "b" });
    let answer: (value: TodoListResponse) => void = () => {};
    server.snapshot = () => new Promise((resolve) => (answer = resolve));

    sockets.last.deliver(upsertEvent(a, 3, "create")); // seq 2 was missed
    expect(calls.snapshots).toBe(2);
    sockets.last.deliver(upsertEvent(b, 4, "create")); // arrives while refetching
    sockets.last.deliver(upsertEvent(makeTodo({ text: "c" }), 5, "create"));
    expect(texts()).toEqual([]);

    answer({ todos: [a, b], seq: 4 });
    await settle();
    // The snapshot covered up to seq 4; only seq 5 is applied over it.
    expect(texts()).toEqual(["a", "b", "c"]);
    expect(client.seq).toBe(5);
    expect(sockets.opened).toHaveLength(1);
  });

  it("refetches on a resync message", async () => {
    const { sockets, server, calls, texts, client } = await live({ todos: [], seq: 2 });
    server.snapshot = async () => ({ todos: [makeTodo({ text: "fresh" })], seq: 40 });
    sockets.last.deliver(resyncMessage(40));
    await settle();
    expect(calls.snapshots).toBe(2);
    expect(texts()).toEqual(["fresh"]);
    expect(client.seq).toBe(40);
  });

  it("reconnects (fetching the snapshot first) when a refetch fails", async () => {
    const { sockets, server, calls, appState, env } = await live({ todos: [], seq: 2 });
    server.snapshot = async () => {
      throw new NetworkError();
    };
    sockets.last.deliver(resyncMessage(9));
    await settle();
    expect(appState.getState().connectionStatus).toBe("reconnecting");
    expect(sockets.opened[0]?.closedByClient).toBe(true);

    server.snapshot = async () => ({ todos: [], seq: 9 });
    env.advance(1_000);
    await settle();
    expect(calls.snapshots).toBe(3);
    expect(calls.grants).toEqual([2, 9]);
  });
});

describe("SyncClient: reconnecting", () => {
  it("reconnects after a restart close with backoff, a fresh grant, and since=<last seq>", async () => {
    const { sockets, appState, env, calls } = await live({ todos: [], seq: 5 });
    sockets.last.deliver(upsertEvent(makeTodo(), 6, "create"));
    sockets.last.serverClose(CloseCode.SERVICE_RESTART);
    expect(appState.getState().connectionStatus).toBe("reconnecting");
    // random() = 0.5 and attempt 0: half of the 500 ms base.
    expect(env.pendingDelays()).toEqual([250]);

    env.advance(250);
    await settle();
    expect(calls.snapshots).toBe(1);
    expect(calls.grants).toEqual([5, 6]);
    expect(sockets.opened).toHaveLength(2);
    expect(sockets.opened[1]?.uri).not.toBe(sockets.opened[0]?.uri);
    sockets.last.open();
    expect(appState.getState().connectionStatus).toBe("live");
  });

  it("backs off exponentially while attempts keep failing", async () => {
    const { sockets, env, server } = await live();
    server.grant = async () => {
      throw new ApiError(503, "unavailable", "busy");
    };
    sockets.last.serverClose(CloseCode.TRY_AGAIN_LATER);
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      const [delay] = env.pendingDelays();
      delays.push(delay ?? -1);
      env.advance(delay ?? 0);
      await settle();
    }
    expect(delays).toEqual([250, 500, 1_000, 2_000, 4_000, 7_500, 7_500]);
  });

  it("starts the backoff over only after a connection that stayed up", async () => {
    const { sockets, env } = await live();
    sockets.last.serverClose(CloseCode.TRY_AGAIN_LATER);
    env.advance(250);
    await settle();
    sockets.last.open();
    sockets.last.serverClose(CloseCode.TRY_AGAIN_LATER);
    expect(env.pendingDelays()).toEqual([500]);

    env.advance(500);
    await settle();
    sockets.last.open();
    env.advance(STABLE_CONNECTION_MS);
    sockets.last.serverClose(CloseCode.INTERNAL_ERROR);
    expect(env.pendingDelays()).toEqual([250]);
  });

  it("ignores everything a replaced socket still reports", async () => {
    const { sockets, env, appState, texts } = await live({ todos: [], seq: 1 });
    const old = sockets.last;
    old.serverClose(CloseCode.GOING_AWAY);
    env.advance(250);
    await settle();
    sockets.last.open();

    old.deliver(upsertEvent(makeTodo({ text: "late" }), 2, "create"));
    old.serverClose(CloseCode.SIGNED_OUT);
    old.open();
    expect(texts()).toEqual([]);
    expect(appState.getState().connectionStatus).toBe("live");
  });

  it("goes offline on `offline` (closing the socket, no timers) and reconnects at once on `online`", async () => {
    const { sockets, env, appState } = await live();
    env.emit("offline");
    expect(appState.getState().connectionStatus).toBe("offline");
    expect(sockets.opened[0]?.closedByClient).toBe(true);
    expect(env.pendingDelays()).toEqual([]);

    env.emit("online");
    expect(appState.getState().connectionStatus).toBe("reconnecting");
    await settle();
    expect(sockets.opened).toHaveLength(2);
  });

  it("skips the backoff wait when the tab becomes visible", async () => {
    const { sockets, env } = await live();
    sockets.last.serverClose(CloseCode.SERVICE_RESTART);
    env.emit("visible");
    await settle();
    expect(sockets.opened).toHaveLength(2);
    expect(env.pendingDelays()).toEqual([]);
  });
});

describe("SyncClient: signing out and disposing", () => {
  it("stops for good on close code 4001 and reports the session ended", async () => {
    const { sockets, env, appState, calls } = await live();
    sockets.last.serverClose(CloseCode.SIGNED_OUT);
    expect(appState.getState().connectionStatus).toBe("signedOut");
    expect(calls.signedOut).toBe(1);
    expect(env.pendingDelays()).toEqual([]);
    env.emit("online");
    env.emit("visible");
    await settle();
    expect(sockets.opened).toHaveLength(1);
  });

  it("treats a 401 on the grant as signed out", async () => {
    const { client, server, appState, calls } = setup();
    server.grant = async () => {
      throw new ApiError(401, "unauthorized", "sign in");
    };
    client.start();
    await settle();
    expect(appState.getState().connectionStatus).toBe("signedOut");
    expect(calls.signedOut).toBe(1);
  });

  it("dispose closes the socket, cancels timers, removes listeners and ignores late callbacks", async () => {
    const { client, sockets, env, appState, texts } = await live();
    const socket = sockets.last;
    socket.serverClose(CloseCode.SERVICE_RESTART);
    client.dispose();
    expect(appState.getState().connectionStatus).toBe("idle");
    expect(env.pendingDelays()).toEqual([]);
    expect(env.listenerCount()).toBe(0);
    socket.deliver(upsertEvent(makeTodo(), 1, "create"));
    expect(texts()).toEqual([]);
  });
});
