import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CloseCode, ErrorBody, isResync, TodoResponse, type ChangeEvent } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";
import { waitFor } from "@tandem/gateway/testing";
import { SocketClient, settle } from "../../test/SocketClient.js";
import type { ApiClient } from "../../test/ApiClient.js";

const WEBHOOK_SECRET = "webhook-secret-0123456789abcdef0123456789";
let t: TestServer;
const open: SocketClient[] = [];
beforeAll(async () => {
  t = await startTestServer({ WEBHOOK_SECRET, SOCKET_MAX_PER_USER: "5" });
});
afterAll(async () => {
  for (const s of open) s.ws.terminate();
  await t.close();
});

async function connect(api: ApiClient, options?: Parameters<typeof SocketClient.open>[1]) {
  const s = await SocketClient.open(api, options);
  open.push(s);
  return s;
}

async function user(devices: string[]): Promise<ApiClient[]> {
  const email = uniqueEmail();
  const first = t.client({ deviceId: devices[0] });
  await first.signup(email, "right password");
  const rest = await Promise.all(
    devices.slice(1).map(async (d) => {
      const c = t.client({ deviceId: d });
      expect((await c.post("/api/auth/login", { email, password: "right password" })).status).toBe(200);
      return c;
    }),
  );
  return [first, ...rest];
}

const changes = (s: SocketClient) => s.messages.filter((m): m is ChangeEvent => !isResync(m));

describe("GET /api/websocket", () => {
  it("grants a one-time URI to a socket tagged with the user, the device and the session", async () => {
    const [c] = await user(["device-grant-1"]);
    const me = (await c!.get<{ user: { id: string } }>("/api/auth/me")).body.user;
    const grant = await SocketClient.grant(c!);
    expect(grant.uri).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/ws\\?ticket=[A-Za-z0-9_-]{43}$`));
    // The session's stored id (a keyed hash of the cookie's secret), never the cookie itself.
    expect(grant.tags).toEqual([`user:${me.id}`, `device:${me.id}:device-grant-1`, expect.stringMatching(/^session:[0-9a-f]{64}$/)]);
    expect(grant.tags.join()).not.toContain(c!.cookie?.split("=")[1] ?? "no cookie");
    const ttl = Date.parse(grant.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it("lists exactly the tags the socket carries, for a session and for a token", async () => {
    // A server of its own, so the gateway's tag count is this socket's alone.
    const own = await startTestServer();
    try {
      const email = uniqueEmail();
      const browser = own.client({ deviceId: "device-exact-1" });
      await browser.signup(email, "right password");
      const native = own.client();
      const created = await native.post<{ token: string; info: { id: string } }>("/api/auth/tokens", { email, password: "right password", name: "cli" });
      native.bearer = created.body.token;
      const me = (await browser.get<{ user: { id: string } }>("/api/auth/me")).body.user;
      for (const client of [browser, native]) {
        const grant = await SocketClient.grant(client);
        const ws = new WebSocket(grant.uri);
        try {
          await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
          // Every tag the grant lists reaches the socket, and the socket carries no other.
          for (const tag of grant.tags) expect(own.server.gateway.send({ tags: [tag] }, "{}")).toBe(1);
          expect(own.server.gateway.stats()).toMatchObject({ sockets: 1, tags: grant.tags.length });
        } finally {
          ws.terminate();
          await waitFor(() => own.server.gateway.stats().sockets === 0, 5_000, "the socket to close");
        }
      }
      expect((await SocketClient.grant(native)).tags).toEqual([`user:${me.id}`, `token:${created.body.info.id}`]);
    } finally {
      await own.close();
    }
  });

  it("builds a wss:// URI from the trusted proxy's X-Forwarded-Proto and Host", async () => {
    // Outside production no proxy is trusted unless TRUST_PROXY says so (and PUBLIC_URL, when
    // set, wins over both headers: http/proxyTrust.integration.test.ts).
    const proxied = await startTestServer({ TRUST_PROXY: "1" });
    try {
      const c = proxied.client({ deviceId: "device-proxy-1" });
      await c.signup(uniqueEmail());
      const res = await c.request("GET", "/api/websocket", { headers: { "x-forwarded-proto": "https", "x-forwarded-host": "todo.example.com" } });
      expect((res.body as { uri: string }).uri).toMatch(/^wss:\/\/todo\.example\.com\/ws\?ticket=/);
    } finally {
      await proxied.close();
    }
  });

  it("is 401 when signed out and 400 for a bad since", async () => {
    expect((await t.client().get("/api/websocket")).status).toBe(401);
    const [c] = await user(["device-bad-since"]);
    const res = await c!.get("/api/websocket?since=-1");
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(res.body).error.code).toBe("validation_failed");
  });
});

describe("the upgrade", () => {
  it("refuses a missing, unknown or reused ticket with 401", async () => {
    const [c] = await user(["device-ticket-1"]);
    const base = t.url.replace("http", "ws");
    expect(await SocketClient.upgradeStatus(`${base}/ws`)).toBe(401);
    expect(await SocketClient.upgradeStatus(`${base}/ws?ticket=${"A".repeat(43)}`)).toBe(401);
    const grant = await SocketClient.grant(c!);
    expect(await SocketClient.upgradeStatus(grant.uri)).toBe(101);
    expect(await SocketClient.upgradeStatus(grant.uri)).toBe(401);
  });

  it("refuses an expired ticket", async () => {
    const short = await startTestServer({ SOCKET_TICKET_TTL_MS: "1000" });
    try {
      const c = short.client();
      await c.signup(uniqueEmail());
      const grant = await SocketClient.grant(c);
      await settle(1100);
      expect(await SocketClient.upgradeStatus(grant.uri)).toBe(401);
    } finally {
      await short.close();
    }
  });

  it("refuses a ticket presented with another signed-in user's cookie", async () => {
    const [alice] = await user(["device-alice-x"]);
    const [bob] = await user(["device-bob-x"]);
    const grant = await SocketClient.grant(alice!);
    expect(await SocketClient.upgradeStatus(grant.uri, { cookie: bob!.cookie ?? "" })).toBe(401);
  });

  it("refuses a foreign Origin with 403 and accepts its own or none", async () => {
    const [c] = await user(["device-origin-1"]);
    expect(await SocketClient.upgradeStatus((await SocketClient.grant(c!)).uri, { origin: "https://evil.example" })).toBe(403);
    expect(await SocketClient.upgradeStatus((await SocketClient.grant(c!)).uri, { origin: t.url })).toBe(101);
    expect(await SocketClient.upgradeStatus((await SocketClient.grant(c!)).uri)).toBe(101);
  });

  it("limits sockets per user with 429", async () => {
    const [c] = await user(["device-limit-1"]);
    const sockets = await Promise.all(Array.from({ length: 5 }, () => connect(c!)));
    expect(await SocketClient.upgradeStatus((await SocketClient.grant(c!)).uri)).toBe(429);
    for (const s of sockets) s.close();
  });

  it("closes an oversized frame with 1009 and keeps serving", async () => {
    const [c] = await user(["device-big-1"]);
    const s = await connect(c!);
    s.ws.send("x".repeat(70 * 1024));
    expect((await s.untilClosed()).code).toBe(CloseCode.MESSAGE_TOO_BIG);
    expect((await t.client().get("/healthz")).status).toBe(200);
    const again = await connect(c!);
    expect(again.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe("relay", () => {
  it("sends each change to every socket of its owner, once, and to nobody else", async () => {
    const [d1, d2] = await user(["device-one-001", "device-two-002"]);
    const email = (await d1!.get<{ user: { email: string } }>("/api/auth/me")).body.user.email;
    const native = t.client();
    const token = await native.post<{ token: string }>("/api/auth/tokens", { email, password: "right password", name: "cli" });
    native.bearer = token.body.token;
    const [other] = await user(["device-other-01"]);

    const s1 = await connect(d1!);
    const s2 = await connect(d2!);
    const s3 = await connect(native);
    const so = await connect(other!);

    const todo = TodoResponse.parse((await d1!.post("/api/todos", { text: "hello" })).body).todo;
    await d2!.patch(`/api/todos/${todo.id}`, { done: true });
    await native.delete(`/api/todos/${todo.id}`);

    for (const s of [s1, s2, s3]) {
      await s.untilMessages(3);
      expect(changes(s).map((m) => [m.meta.eventName, m.meta.seq, m.object.device])).toEqual([
        ["create", 1, "device-one-001"],
        ["update", 2, "device-two-002"],
        ["delete", 3, null],
      ]);
    }
    // Forging a webhook needs the secret; without it nothing reaches anyone.
    const forged = await other!.request("POST", "/api/websocket/messages", {
      json: { payload: changes(s1)[0], receivers: { tags: [s1.grant.tags[0]] } },
    });
    expect(forged.status).toBe(401);
    await settle();
    expect(so.messages).toEqual([]);
    expect(s1.messages).toHaveLength(3);
  });
});

describe("sign-out", () => {
  it("closes the sockets of that session with 4001 and leaves the others open", async () => {
    const [a, b] = await user(["device-so-aaa1", "device-so-bbb1"]);
    const sa = await connect(a!);
    const sb = await connect(b!);
    expect((await a!.post("/api/auth/logout")).status).toBe(204);
    expect((await sa.untilClosed()).code).toBe(CloseCode.SIGNED_OUT);
    await settle();
    expect(sb.closed).toBeUndefined();
  });

  it("closes a token's sockets with 4001 when it is revoked, and its unused tickets stop working", async () => {
    const [a] = await user(["device-tok-aaa1"]);
    const email = (await a!.get<{ user: { email: string } }>("/api/auth/me")).body.user.email;
    const native = t.client();
    const created = await native.post<{ token: string; info: { id: string } }>("/api/auth/tokens", { email, password: "right password", name: "cli" });
    native.bearer = created.body.token;
    const s = await connect(native);
    const spare = await SocketClient.grant(native);
    expect((await a!.delete(`/api/auth/tokens/${created.body.info.id}`)).status).toBe(204);
    expect((await s.untilClosed()).code).toBe(CloseCode.SIGNED_OUT);
    expect(await SocketClient.upgradeStatus(spare.uri)).toBe(401);
  });
});

describe("session expiry", () => {
  it("closes the sockets of a session that expires while they are open, and not those of one in use", async () => {
    const short = await startTestServer({ SESSION_IDLE_TIMEOUT_MS: "1500", SESSION_ABSOLUTE_TIMEOUT_MS: "60000", SESSION_EXPIRY_CHECK_MS: "100" });
    const sockets: SocketClient[] = [];
    try {
      const idle = short.client({ deviceId: "device-exp-idle1" });
      await idle.signup(uniqueEmail("idle"), "right password");
      const busy = short.client({ deviceId: "device-exp-busy1" });
      await busy.signup(uniqueEmail("busy"), "right password");
      const idleSocket = await SocketClient.open(idle);
      const busySocket = await SocketClient.open(busy);
      sockets.push(idleSocket, busySocket);
      // The busy session is used every 300 ms, so it keeps rolling forward; the idle one is not.
      const started = Date.now();
      while (Date.now() - started < 2_500) {
        expect((await busy.get("/api/todos")).status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(await idleSocket.untilClosed(2_000)).toEqual({ code: CloseCode.SIGNED_OUT, reason: "session expired" });
      expect(busySocket.closed).toBeUndefined();
      expect((await idle.get("/api/auth/me")).status).toBe(401);
    } finally {
      for (const s of sockets) s.ws.terminate();
      await short.close();
    }
  });
});

describe("catch-up", () => {
  it("replays events after since, in order, then goes live with no gap and no duplicate", async () => {
    const [c] = await user(["device-cu-aaaa"]);
    for (const text of ["a", "b", "c", "d"]) await c!.post("/api/todos", { text });
    const s = await connect(c!, { since: 2 });
    await c!.post("/api/todos", { text: "e" });
    await s.untilMessages(3);
    await settle();
    expect(s.seqs()).toEqual([3, 4, 5]);
  });

  it("a socket without since gets live events only", async () => {
    const [c] = await user(["device-cu-bbbb"]);
    await c!.post("/api/todos", { text: "before" });
    const s = await connect(c!);
    await c!.post("/api/todos", { text: "after" });
    await s.untilMessages(1);
    await settle();
    expect(s.seqs()).toEqual([2]);
  });

  it("sends resync when since is older than the retained log", async () => {
    const small = await startTestServer({ CHANGE_LOG_LIMIT: "10" });
    try {
      const c = small.client({ deviceId: "device-cu-cccc" });
      await c.signup(uniqueEmail());
      for (let i = 0; i < 15; i++) await c.post("/api/todos", { text: `t${i}` });
      const s = await SocketClient.open(c, { since: 2 });
      open.push(s);
      await c.post("/api/todos", { text: "live" });
      await s.untilMessages(2);
      expect(s.messages[0]).toEqual({ type: "resync", seq: 15, meta: { eventName: "resync", seq: 15 } });
      expect(s.seqs()).toEqual([15, 16]);
      // Within the log there is no resync.
      const s2 = await SocketClient.open(c, { since: 10 });
      open.push(s2);
      await s2.untilMessages(6);
      expect(s2.seqs()).toEqual([11, 12, 13, 14, 15, 16]);
    } finally {
      await small.close();
    }
  });
});

describe("webhook receiver", () => {
  async function sampleEvent(): Promise<{ event: ChangeEvent; socket: SocketClient; api: ApiClient }> {
    const [api] = await user(["device-wh-" + Math.random().toString(36).slice(2, 8)]);
    const socket = await connect(api!);
    await api!.post("/api/todos", { text: "from the store" });
    await socket.untilMessages(1);
    return { event: changes(socket)[0] as ChangeEvent, socket, api: api! };
  }

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${t.url}/api/websocket/messages`, { method: "POST", headers, body });
  const auth = { authorization: `Bearer ${WEBHOOK_SECRET}`, "content-type": "application/json" };

  it("relays a payload to its owner's sockets and answers 202 with the count", async () => {
    const { event, socket } = await sampleEvent();
    const res = await post(JSON.stringify({ payload: event }), auth);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ delivered: 1 });
    await socket.untilMessages(2);
    expect(socket.messages[1]).toEqual(event);
  });

  it("honours explicit receivers", async () => {
    const { event, socket } = await sampleEvent();
    const res = await post(JSON.stringify({ payload: event, receivers: { sockets: [socket.grant.id] } }), auth);
    expect(await res.json()).toEqual({ delivered: 1 });
    const none = await post(JSON.stringify({ payload: event, receivers: { tags: ["user:nobody"] } }), auth);
    expect(await none.json()).toEqual({ delivered: 0 });
  });

  it("relays a repeated webhook-id once", async () => {
    const { event, socket } = await sampleEvent();
    const headers = { ...auth, "webhook-id": "msg_" + Math.random().toString(36).slice(2) };
    expect(await (await post(JSON.stringify({ payload: event }), headers)).json()).toEqual({ delivered: 1 });
    const again = await post(JSON.stringify({ payload: event }), headers);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ delivered: 0 });
    await settle();
    expect(socket.messages).toHaveLength(2);
  });

  it("refuses every bad request and relays nothing", async () => {
    const { event, socket } = await sampleEvent();
    const body = JSON.stringify({ payload: event });
    const cases: [Record<string, string>, string, number][] = [
      [{ "content-type": "application/json" }, body, 401],
      [{ ...auth, authorization: "Bearer wrong-secret" }, body, 401],
      [{ ...auth, authorization: `Basic ${WEBHOOK_SECRET}` }, body, 401],
      [{ ...auth, "content-type": "text/plain" }, body, 415],
      [auth, JSON.stringify({ payload: { ...event, meta: { ...event.meta, eventName: "explode" } } }), 400],
      [auth, JSON.stringify({ payload: event, extra: 1 }), 400],
      [auth, JSON.stringify({ payload: event, receivers: { tags: [] } }), 400],
      [auth, "{broken", 400],
      [auth, JSON.stringify({ payload: event, pad: "x".repeat(70 * 1024) }), 413],
    ];
    for (const [headers, b, status] of cases) {
      const res = await post(b, headers);
      expect({ status: res.status, headers }).toEqual({ status, headers });
      const parsed = ErrorBody.parse(await res.json());
      if (status === 400 && b.startsWith("{\"")) expect(parsed.error.details?.length).toBeGreaterThan(0);
    }
    await settle();
    expect(socket.messages).toHaveLength(1);
  });

  it("does not exist without a configured secret", async () => {
    const bare = await startTestServer();
    try {
      const res = await fetch(`${bare.url}/api/websocket/messages`, { method: "POST", headers: auth, body: "{}" });
      expect(res.status).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
