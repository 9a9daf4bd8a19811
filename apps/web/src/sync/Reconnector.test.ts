import { CloseCode, PROTOCOL_VERSION, SignOutReason, type WebSocketGrant } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../api/errors";
import { FakeEnvironment, settle } from "../testing/FakeEnvironment";
import { FakeSockets } from "../testing/FakeSockets";
import type { ConnectionStatus } from "./connectionStatus";
import { BACKOFF_BASE_MS } from "./backoff";
import { Reconnector, STABLE_CONNECTION_MS } from "./Reconnector";

function setup() {
  const env = new FakeEnvironment();
  const sockets = new FakeSockets();
  const statuses: Array<[ConnectionStatus, number]> = [];
  const received: string[] = [];
  const signOutReasons: Array<string | null> = [];
  const calls = { since: 0, grants: [] as number[], interrupted: 0 };
  const server = {
    since: async (): Promise<number | null> => 7,
    grant: async (since: number): Promise<WebSocketGrant> => ({
      id: `socket-${calls.grants.length}`,
      uri: `ws://localhost:5173/ws?ticket=t${calls.grants.length}&since=${since}`,
      expiresAt: new Date(env.now() + 60_000).toISOString(),
      tags: ["user:user-1"],
      protocolVersion: PROTOCOL_VERSION,
    }),
  };
  const connection = new Reconnector({
    since: () => {
      calls.since += 1;
      return server.since();
    },
    fetchGrant: (since) => {
      calls.grants.push(since);
      return server.grant(since);
    },
    openSocket: sockets.open,
    env,
    onStatus: (status, at, signOutReason) => {
      statuses.push([status, at]);
      if (status === "signedOut") signOutReasons.push(signOutReason);
    },
    onMessage: (data) => received.push(data),
    onInterrupted: () => (calls.interrupted += 1),
  });
  const status = () => connection.connectionStatus;
  return { env, sockets, statuses, signOutReasons, received, calls, server, connection, status };
}

/** Starts the reconnector and opens its first socket. */
async function live() {
  const ctx = setup();
  ctx.connection.start();
  await settle();
  ctx.sockets.last.open();
  return ctx;
}

describe("Reconnector: connecting", () => {
  it("asks where the stream starts, then opens a socket from a fresh grant with that since", async () => {
    const { connection, calls, sockets, env, statuses, status } = setup();
    connection.start();
    expect(status()).toBe("connecting");
    await settle();
    expect(calls.grants).toEqual([7]);
    expect(sockets.last.uri).toContain("ticket=t1");
    expect(status()).toBe("connecting");

    env.advance(5);
    sockets.last.open();
    expect(status()).toBe("live");
    // Each status is reported once, with the time it was reached.
    expect(statuses).toEqual([
      ["connecting", env.now() - 5],
      ["live", env.now()],
    ]);
  });

  it("starts offline when the browser is offline, and connects on `online`", async () => {
    const { connection, env, status, sockets } = setup();
    env.online = false;
    connection.start();
    await settle();
    expect(status()).toBe("offline");
    expect(sockets.opened).toHaveLength(0);
    env.emit("online");
    await settle();
    expect(sockets.opened).toHaveLength(1);
    expect(status()).toBe("reconnecting");
  });

  it("hands on the frames of the open socket, as they came", async () => {
    const { sockets, received } = await live();
    sockets.last.deliver("one");
    sockets.last.deliver({ type: "two" });
    expect(received).toEqual(["one", '{"type":"two"}']);
  });
});

describe("Reconnector: reconnecting", () => {
  it("reconnects after a restart close with backoff, asking again where to start and for a fresh grant", async () => {
    const { sockets, status, env, calls, server } = await live();
    server.since = async () => 8;
    sockets.last.serverClose(CloseCode.SERVICE_RESTART);
    expect(status()).toBe("reconnecting");
    expect(calls.interrupted).toBe(1);
    // random() = 0.5 and attempt 0: half of the 500 ms base.
    expect(env.pendingDelays()).toEqual([250]);
    // The server closed that socket: it is not closed a second time.
    expect(sockets.opened[0]?.closedByClient).toBe(false);

    env.advance(250);
    await settle();
    expect(calls.since).toBe(2);
    expect(calls.grants).toEqual([7, 8]);
    expect(sockets.opened).toHaveLength(2);
    expect(sockets.opened[1]?.uri).not.toBe(sockets.opened[0]?.uri);
    sockets.last.open();
    expect(status()).toBe("live");
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
    const { sockets, env, status, received } = await live();
    const old = sockets.last;
    old.serverClose(CloseCode.GOING_AWAY);
    env.advance(250);
    await settle();
    sockets.last.open();

    old.deliver("late");
    old.serverClose(CloseCode.SIGNED_OUT);
    old.open();
    expect(received).toEqual([]);
    expect(status()).toBe("live");
  });

  it("drops the socket and reconnects when the stream reports a failure", async () => {
    const { connection, sockets, env, status, calls } = await live();
    connection.failed(new NetworkError());
    expect(status()).toBe("reconnecting");
    expect(sockets.opened[0]?.closedByClient).toBe(true);
    expect(calls.interrupted).toBe(1);
    env.advance(250);
    await settle();
    expect(sockets.opened).toHaveLength(2);
  });

  it("goes offline on `offline` (closing the socket, no timers) and reconnects at once on `online`", async () => {
    const { sockets, env, status } = await live();
    env.emit("offline");
    expect(status()).toBe("offline");
    expect(sockets.opened[0]?.closedByClient).toBe(true);
    expect(env.pendingDelays()).toEqual([]);

    env.emit("online");
    expect(status()).toBe("reconnecting");
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

  it("skips the backoff wait when asked to try now, and does nothing while an attempt is under way", async () => {
    const { sockets, env, connection, calls } = await live();
    sockets.last.serverClose(CloseCode.SERVICE_RESTART);
    expect(env.pendingDelays()).toHaveLength(1);
    connection.tryNow();
    await settle();
    expect(sockets.opened).toHaveLength(2);
    expect(env.pendingDelays()).toEqual([]);
    connection.tryNow();
    await settle();
    expect(calls.grants).toHaveLength(2);
  });

  it("leaves offline on try now only when the browser is online after all", async () => {
    const { sockets, env, connection, status } = await live();
    env.emit("offline");
    connection.tryNow();
    expect(status()).toBe("offline");
    // The `online` event was missed (a throttled background tab): try now notices.
    env.online = true;
    connection.tryNow();
    await settle();
    expect(status()).toBe("reconnecting");
    expect(sockets.opened).toHaveLength(2);
  });
});

describe("Reconnector: the session ends", () => {
  it("stops for good on close code 4001", async () => {
    const { sockets, env, status, statuses } = await live();
    sockets.last.serverClose(CloseCode.SIGNED_OUT);
    expect(status()).toBe("signedOut");
    expect(env.pendingDelays()).toEqual([]);
    env.emit("online");
    env.emit("visible");
    await settle();
    expect(sockets.opened).toHaveLength(1);
    expect(statuses.filter(([s]) => s === "signedOut")).toHaveLength(1);
  });

  it("passes on the reason the server gave in the close frame, or null when it gave none", async () => {
    const a = await live();
    a.sockets.last.serverClose(CloseCode.SIGNED_OUT, SignOutReason.DEVICE_REVOKED);
    expect(a.signOutReasons).toEqual([SignOutReason.DEVICE_REVOKED]);

    const b = await live();
    b.sockets.last.serverClose(CloseCode.SIGNED_OUT);
    b.connection.sessionEnded("too late");
    expect(b.signOutReasons).toEqual([null]);
  });

  it("reconnects at once, with a fresh grant, when the session goes on under a new id (4002)", async () => {
    const { sockets, env, status, calls } = await live();
    sockets.last.serverClose(CloseCode.SESSION_RENEWED);
    expect(status()).toBe("reconnecting");
    env.advance(0);
    await settle();
    expect(calls.grants).toHaveLength(2);
    sockets.last.open();
    expect(status()).toBe("live");
  });

  it("waits out a backoff when 4002 comes again on a socket that keeps failing", async () => {
    const { sockets, env, calls } = await live();
    sockets.last.serverClose(CloseCode.TRY_AGAIN_LATER);
    env.advance(BACKOFF_BASE_MS);
    await settle();
    sockets.last.open();
    sockets.last.serverClose(CloseCode.SESSION_RENEWED);
    expect(env.pendingDelays()[0]).toBeGreaterThan(0);
    expect(calls.grants).toHaveLength(2);
  });

  it("treats a 401 on the grant, or one the stream reports, as signed out", async () => {
    const a = setup();
    a.server.grant = async () => {
      throw new ApiError(401, "unauthorized", "sign in");
    };
    a.connection.start();
    await settle();
    expect(a.status()).toBe("signedOut");

    const b = await live();
    b.connection.failed(new ApiError(401, "unauthorized", "sign in"));
    expect(b.status()).toBe("signedOut");
    expect(b.sockets.last.closedByClient).toBe(true);
  });

  it("reports the end once however many places report it (a 401 elsewhere, then the 4001)", async () => {
    const { connection, sockets, statuses } = await live();
    const socket = sockets.last;
    connection.sessionEnded();
    socket.serverClose(CloseCode.SIGNED_OUT);
    connection.sessionEnded();
    expect(statuses.map(([s]) => s)).toEqual(["connecting", "live", "signedOut"]);
    expect(socket.closedByClient).toBe(true);
  });
});

describe("Reconnector: a server that speaks another protocol version", () => {
  it("opens no socket, stops retrying for good, and says the app is outdated", async () => {
    const { connection, server, sockets, env, status } = setup();
    server.grant = async (since) => ({
      id: "s",
      uri: `ws://localhost/ws?ticket=t&since=${since}`,
      expiresAt: new Date(env.now() + 60_000).toISOString(),
      tags: [],
      protocolVersion: PROTOCOL_VERSION + 1,
    });
    connection.start();
    await settle();
    expect(status()).toBe("outdated");
    expect(sockets.opened).toHaveLength(0);
    expect(env.pendingDelays()).toEqual([]);

    env.emit("offline");
    env.emit("online");
    env.emit("visible");
    await settle();
    expect(status()).toBe("outdated");
    expect(sockets.opened).toHaveLength(0);

    // Still signed in on the old app, until the server says otherwise.
    connection.sessionEnded();
    expect(status()).toBe("signedOut");
  });
});

describe("Reconnector: dispose", () => {
  it("closes the socket, cancels timers, removes listeners and ignores late callbacks", async () => {
    const { connection, sockets, env, status, received } = await live();
    const socket = sockets.last;
    socket.serverClose(CloseCode.SERVICE_RESTART);
    connection.dispose();
    expect(status()).toBe("idle");
    expect(env.pendingDelays()).toEqual([]);
    expect(env.listenerCount()).toBe(0);
    socket.deliver("late");
    expect(received).toEqual([]);

    const open = await live();
    open.connection.dispose();
    expect(open.sockets.last.closedByClient).toBe(true);
  });

  it("abandons an attempt under way: its grant and socket never arrive", async () => {
    const { connection, server, sockets, status, calls } = setup();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const grant = server.grant;
    server.grant = async (since) => {
      await gate;
      return grant(since);
    };
    connection.start();
    await settle();
    expect(calls.grants).toEqual([7]);
    connection.dispose();
    release();
    await settle();
    expect(sockets.opened).toHaveLength(0);
    expect(status()).toBe("idle");
  });
});
