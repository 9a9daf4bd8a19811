import { CloseCode, PROTOCOL_VERSION, type TodoListResponse, type WebSocketGrant } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../api/errors";
import { createAppState } from "../state/appState";
import { FakeEnvironment, settle } from "../testing/FakeEnvironment";
import { FakeSockets } from "../testing/FakeSockets";
import { FakeBrowserTabs } from "../testing/FakeTabs";
import { makeTodo, upsertEvent, USER_ID } from "../testing/fixtures";
import { startLiveSync } from "./liveSync";
import { socketLockName } from "./tabChannel";

/** The server's side for every tab: one list, one seq, a log of what each tab asked for. */
function fakeServer() {
  const server = {
    list: { todos: [], seq: 0 } as TodoListResponse,
    snapshots: 0,
    grants: [] as number[],
    /** Replaced by a test to hold, fail or slow a snapshot. */
    snapshot: async (): Promise<TodoListResponse> => server.list,
    grant: async (since: number): Promise<WebSocketGrant> => {
      server.grants.push(since);
      return {
        id: `socket-${server.grants.length}`,
        uri: `ws://localhost/ws?ticket=t${server.grants.length}&since=${since}`,
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
        tags: [`user:${USER_ID}`],
        protocolVersion: PROTOCOL_VERSION,
      };
    },
  };
  return server;
}

type Server = ReturnType<typeof fakeServer>;

/** One browser: tabs that share its locks and channels, and one socket factory to count on. */
function browser(options: { shared?: boolean } = {}) {
  const tabs = new FakeBrowserTabs();
  const sockets = new FakeSockets();
  const server = fakeServer();
  let opened = 0;
  /** `resumeFrom` and `kept`: a tab that starts from a list kept in the browser, at that seq. */
  const open = (env = new FakeEnvironment(), kept?: { resumeFrom: number; kept: string[] }) => {
    opened += 1;
    const coordination = tabs.tab();
    const appState = createAppState();
    appState.getState().signedIn({ id: USER_ID, email: "ada@example.com" });
    if (kept) appState.getState().loadCached(kept.kept.map((text) => makeTodo({ text })));
    const deviceId = `web-tab-${opened}`;
    const sync = startLiveSync({
      deviceId,
      fetchSnapshot: () => {
        server.snapshots += 1;
        return server.snapshot();
      },
      fetchGrant: (since) => server.grant(since),
      openSocket: sockets.open,
      appState,
      env,
      share: options.shared === false ? null : { coordination, userId: USER_ID },
      ...(kept ? { resumeFrom: kept.resumeFrom } : {}),
    });
    return {
      deviceId,
      env,
      sync,
      crash: () => coordination.crash(),
      texts: () => appState.getState().todos.map((item) => item.text),
      status: () => appState.getState().connectionStatus,
    };
  };
  return { tabs, sockets, server, open };
}

/** Opens `count` tabs and the leader's socket; resolves once every tab is live. */
async function liveTabs(count: number, server?: (server: Server) => void) {
  const b = browser();
  server?.(b.server);
  const tabs = Array.from({ length: count }, () => b.open());
  await settle();
  b.sockets.last.open();
  await settle();
  return { ...b, tabs };
}

describe("one socket per browser", () => {
  it("three tabs elect one leader: one socket, every tab live and showing every change", async () => {
    const { sockets, tabs, tabs: [first, second, third] } = await liveTabs(3);
    expect(sockets.opened).toHaveLength(1);
    expect(tabs.map((tab) => tab.status())).toEqual(["live", "live", "live"]);

    sockets.last.deliver(upsertEvent(makeTodo({ text: "from a phone" }), 1, "create"));
    await settle();
    expect([first, second, third].map((tab) => tab!.texts())).toEqual([["from a phone"], ["from a phone"], ["from a phone"]]);
  });

  it("each tab skips only its own echoes (the device id is per tab)", async () => {
    const { sockets, tabs } = await liveTabs(3);
    const second = tabs[1]!;
    sockets.last.deliver(upsertEvent(makeTodo({ text: "typed in tab 2", device: second.deviceId }), 1, "create"));
    await settle();
    expect(tabs.map((tab) => tab.texts())).toEqual([["typed in tab 2"], [], ["typed in tab 2"]]);
    expect(tabs.map((tab) => tab.sync.follower.state)).toEqual(Array(3).fill({ kind: "live", lastSeq: 1 }));
  });

  it("a follower holds frames that arrive while its snapshot loads, and replays them over it", async () => {
    const b = browser();
    const leader = b.open();
    await settle();
    b.sockets.last.open();
    let answer: (list: TodoListResponse) => void = () => {};
    b.server.snapshot = () => new Promise((resolve) => (answer = resolve));
    const follower = b.open();
    await settle();
    // The snapshot is read at seq 0, then change 1 commits and is broadcast before it arrives.
    b.sockets.last.deliver(upsertEvent(makeTodo({ text: "in between" }), 1, "create"));
    await settle();
    answer({ todos: [], seq: 0 });
    await settle();
    expect(follower.texts()).toEqual(["in between"]);
    expect(leader.texts()).toEqual(["in between"]);
    expect(follower.sync.follower.state).toEqual({ kind: "live", lastSeq: 1 });
  });

  it("a follower that starts from the list kept in the browser loads a snapshot over it: no stream replays what came after", async () => {
    const b = browser();
    b.open();
    await settle();
    b.sockets.last.open();
    await settle();
    // Changed since the kept list (at seq 1) was saved: a second todo, at seq 2.
    b.server.list = { todos: [makeTodo({ text: "kept" }), makeTodo({ text: "added since" })], seq: 2 };
    const follower = b.open(new FakeEnvironment(), { resumeFrom: 1, kept: ["kept"] });
    expect(follower.texts()).toEqual(["kept"]);
    await settle();
    expect(follower.texts()).toEqual(["kept", "added since"]);
    expect(follower.sync.follower.state).toEqual({ kind: "live", lastSeq: 2 });
    expect(follower.sync.follower.resumed).toBe(false);
    expect(b.sockets.opened).toHaveLength(1);
  });

  it("when the leader tab closes, the next takes over from its last seq and misses nothing", async () => {
    const { sockets, server, tabs: [first, second, third] } = await liveTabs(3);
    sockets.last.deliver(upsertEvent(makeTodo({ text: "one" }), 1, "create"));
    await settle();
    const snapshotsBefore = server.snapshots;

    first!.sync.connection.dispose();
    await settle();
    expect(sockets.opened).toHaveLength(2);
    expect(sockets.opened[0]?.closedByClient).toBe(true);
    expect(server.grants).toEqual([0, 1]);
    // Change 2 was made by another device during the hand-over: the new socket replays it.
    sockets.last.open();
    sockets.last.deliver(upsertEvent(makeTodo({ text: "two" }), 2, "create"));
    await settle();
    expect(second!.texts()).toEqual(["one", "two"]);
    expect(third!.texts()).toEqual(["one", "two"]);
    expect([second!.status(), third!.status()]).toEqual(["live", "live"]);
    expect(server.snapshots).toBe(snapshotsBefore);
  });

  it("a crashed leader (no goodbye) is replaced as soon as the browser frees its lock", async () => {
    const { sockets, tabs, server } = await liveTabs(2);
    sockets.last.deliver(upsertEvent(makeTodo({ text: "one" }), 1, "create"));
    await settle();
    tabs[0]!.crash();
    await settle();
    expect(sockets.opened).toHaveLength(2);
    expect(server.grants).toEqual([0, 1]);
    sockets.last.open();
    await settle();
    expect(tabs[1]!.status()).toBe("live");
  });

  it("passes the leader's status on: a lost socket shows as reconnecting in every tab", async () => {
    const { sockets, tabs, env } = await liveTabs(2).then((b) => ({ ...b, env: b.tabs[0]!.env }));
    sockets.last.serverClose(CloseCode.SERVICE_RESTART);
    await settle();
    expect(tabs.map((tab) => tab.status())).toEqual(["reconnecting", "reconnecting"]);
    env.advance(1_000);
    await settle();
    sockets.last.open();
    await settle();
    expect(tabs.map((tab) => tab.status())).toEqual(["live", "live"]);
  });

  it("a session ended on the leader's socket (4001) ends it in every tab", async () => {
    const { sockets, tabs } = await liveTabs(3);
    sockets.last.serverClose(CloseCode.SIGNED_OUT);
    await settle();
    expect(tabs.map((tab) => tab.status())).toEqual(["signedOut", "signedOut", "signedOut"]);
  });

  it("a follower whose snapshot fails retries after a backoff; a 401 ends its session", async () => {
    const b = browser();
    b.open();
    await settle();
    b.sockets.last.open();
    b.server.snapshot = async () => {
      throw new NetworkError();
    };
    const env = new FakeEnvironment();
    const follower = b.open(env);
    await settle();
    expect(env.pendingDelays()).toHaveLength(1);
    b.server.snapshot = async () => {
      throw new ApiError(401, "unauthorized", "sign in");
    };
    env.advance(1_000);
    await settle();
    expect(follower.status()).toBe("signedOut");
  });

  it("a follower that comes to the foreground wakes a leader waiting out its backoff", async () => {
    const b = browser();
    const leaderEnv = new FakeEnvironment();
    b.open(leaderEnv);
    await settle();
    b.sockets.last.open();
    const followerEnv = new FakeEnvironment();
    b.open(followerEnv);
    await settle();
    b.sockets.last.serverClose(CloseCode.SERVICE_RESTART);
    await settle();
    expect(leaderEnv.pendingDelays()).toHaveLength(1);
    followerEnv.emit("visible");
    await settle();
    expect(b.sockets.opened).toHaveLength(2);
    expect(leaderEnv.pendingDelays()).toEqual([]);
  });

  it("a follower that takes over while its snapshot is still loading opens the socket all the same", async () => {
    const b = browser();
    const first = b.open();
    await settle();
    b.sockets.last.open();
    const answers: Array<(list: TodoListResponse) => void> = [];
    b.server.snapshot = () => new Promise((resolve) => answers.push(resolve));
    const second = b.open();
    await settle();
    expect(answers).toHaveLength(1);
    first.crash();
    await settle();
    // The follower's snapshot answers late; the one the new socket asked for answers too.
    for (const answer of answers.splice(0)) answer({ todos: [], seq: 3 });
    await settle();
    expect(b.server.grants).toEqual([0, 3]);
    b.sockets.last.open();
    await settle();
    expect(second.status()).toBe("live");
  });

  it("frees the lock when the leader is disposed, so no tab holds it after the last one closes", async () => {
    const b = browser();
    const tab = b.open();
    await settle();
    expect(b.tabs.holderCount(socketLockName(USER_ID))).toBe(1);
    tab.sync.connection.dispose();
    expect(b.tabs.holderCount(socketLockName(USER_ID))).toBe(0);
  });

  it("without shared tabs (no Web Locks or BroadcastChannel) each tab opens its own socket", async () => {
    const b = browser({ shared: false });
    b.open();
    b.open();
    await settle();
    expect(b.sockets.opened).toHaveLength(2);
  });
});
