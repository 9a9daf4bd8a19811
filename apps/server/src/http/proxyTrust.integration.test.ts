import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketGrant } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";
import type { ApiClient } from "../../test/ApiClient.js";
import { RoutedApiClient } from "../../test/deploy/RoutedApiClient.js";
import { SocketClient } from "../../test/SocketClient.js";

/**
 * Which request headers the server believes. Without a proxy in front (the default outside
 * production) X-Forwarded-* are anyone's to forge; in production one router hop is trusted for
 * the client's address and scheme, but the public origin comes from PUBLIC_URL, never a header.
 */

const PASSWORD = "correct horse battery";
const forgedFor = (i: number) => ({ "x-forwarded-for": `203.0.113.${i}` });

async function grantWith(api: ApiClient, headers: Record<string, string>): Promise<WebSocketGrant> {
  const res = await api.request("GET", "/api/websocket", { headers });
  expect(res.status).toBe(200);
  return WebSocketGrant.parse(res.body);
}

describe("with no proxy trusted (the default outside production)", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ LOGIN_MAX_FAILURES_PER_EMAIL_IP: "3", SIGNUP_MAX_PER_IP_PER_HOUR: "3" });
  });
  afterAll(() => t.close());

  it("counts failed sign-ins against the connection's address, whatever X-Forwarded-For says", async () => {
    const email = uniqueEmail("forged-for");
    await t.client().signup(email, PASSWORD);
    const statuses: number[] = [];
    for (let i = 1; i <= 8; i++) {
      const res = await t.client().request("POST", "/api/auth/login", { json: { email, password: "wrong password" }, headers: forgedFor(i) });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
    // Nor does a fresh header get the right password in while the address is blocked.
    const fresh = await t.client().request("POST", "/api/auth/login", { json: { email, password: PASSWORD }, headers: forgedFor(99) });
    expect(fresh.status).toBe(429);
  });

  it("counts sign-ups against the connection's address, whatever X-Forwarded-For says", async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 4; i++) {
      const res = await t.client().request("POST", "/api/auth/signup", {
        json: { email: uniqueEmail("forged-signup"), password: PASSWORD },
        headers: forgedFor(100 + i),
      });
      statuses.push(res.status);
    }
    // The first test's sign-up used one of this address's three.
    expect(statuses).toEqual([201, 201, 429, 429]);
  });

  it("builds the socket URI from Host, not X-Forwarded-Host or X-Forwarded-Proto", async () => {
    // On a server of its own: this one's sign-up budget for the address is spent.
    const grant = await grantOnOwnServer({ "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" });
    expect(grant.uri).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\?ticket=/);
  });
});

/** A grant from a server of its own (default proxy trust), signed up from a fresh address budget. */
async function grantOnOwnServer(headers: Record<string, string>): Promise<WebSocketGrant> {
  const own = await startTestServer();
  try {
    const api = own.client();
    await api.signup(uniqueEmail("own"), PASSWORD);
    const grant = await grantWith(api, headers);
    expect(new URL(grant.uri).host).toBe(new URL(own.url).host);
    return grant;
  } finally {
    await own.close();
  }
}

describe("in production (one router hop trusted, PUBLIC_URL the public origin)", () => {
  const PUBLIC_URL = "https://todo.example.test";
  const EVIL = "https://evil.example";
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      NODE_ENV: "production",
      PUBLIC_URL,
      ALLOW_EMBEDDED_DB: "1",
      BCRYPT_COST: "10",
      LOGIN_MAX_FAILURES_PER_EMAIL_IP: "2",
    });
  });
  afterAll(() => t.close());

  async function signedIn(): Promise<RoutedApiClient> {
    const api = new RoutedApiClient(t.url);
    await api.signup(uniqueEmail("routed"), PASSWORD);
    return api;
  }

  it("takes the socket URI from PUBLIC_URL, whatever X-Forwarded-Host says", async () => {
    const api = await signedIn();
    const grant = await grantWith(api, { "x-forwarded-host": "evil.example" });
    expect(grant.uri).toMatch(/^wss:\/\/todo\.example\.test\/ws\?ticket=[A-Za-z0-9_-]{43}$/);
  });

  it("checks a cookie request's Origin against PUBLIC_URL, not X-Forwarded-Host", async () => {
    const api = await signedIn();
    const forged = await api.request("POST", "/api/todos", { json: { text: "cross-site" }, headers: { origin: EVIL, "x-forwarded-host": "evil.example" } });
    expect(forged.status).toBe(403);
    const own = await api.request("POST", "/api/todos", { json: { text: "same site" }, headers: { origin: PUBLIC_URL } });
    expect(own.status).toBe(201);
  });

  it("checks the socket upgrade's Origin against PUBLIC_URL, not X-Forwarded-Host", async () => {
    const api = await signedIn();
    const direct = async (headers: Record<string, string>) => {
      const { pathname, search } = new URL((await grantWith(api, {})).uri);
      return SocketClient.upgradeStatus(`${t.url.replace(/^http/, "ws")}${pathname}${search}`, {
        "x-forwarded-proto": "https",
        cookie: api.cookie ?? "",
        ...headers,
      });
    };
    expect(await direct({ origin: EVIL, "x-forwarded-host": "evil.example" })).toBe(403);
    expect(await direct({ origin: PUBLIC_URL })).toBe(101);
  });

  it("still takes the client's address from the router's X-Forwarded-For", async () => {
    const email = uniqueEmail("routed-for");
    await new RoutedApiClient(t.url).signup(email, PASSWORD);
    const login = (i: number) =>
      new RoutedApiClient(t.url).request("POST", "/api/auth/login", { json: { email, password: "wrong password" }, headers: forgedFor(i) });
    expect([(await login(1)).status, (await login(1)).status, (await login(1)).status]).toEqual([401, 401, 429]);
    // Another client behind the same router is another address.
    expect((await login(2)).status).toBe(401);
  });
});
