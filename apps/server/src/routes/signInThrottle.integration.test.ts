import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { ErrorBody } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";
import type { ApiResponse } from "../../test/ApiClient.js";
import { dropDatabase, withDatabase } from "../../test/mongoDatabase.js";

/**
 * The sign-in throttle against the real server: bursts cannot outrun it, a busy address cannot
 * lock everyone behind it out, one address cannot take the whole bcrypt queue, and a restart
 * does not reset it. Client addresses come from `X-Forwarded-For` behind one trusted proxy hop
 * (TRUST_PROXY=1), as on a platform's router.
 */

const RIGHT = "right password";
const WRONG = "wrong password";
const errorCode = (body: unknown) => ErrorBody.parse(body).error.code;

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function start(env: Record<string, string>, dataDir?: string): Promise<TestServer> {
  const t = await startTestServer({ TRUST_PROXY: "1", ...env }, dataDir);
  servers.push(t);
  return t;
}

/** Signs in (or asks for an API token) as a client at `ip`. */
function signIn(t: TestServer, ip: string, email: string, password: string, route: "login" | "tokens" = "login"): Promise<ApiResponse> {
  const json = route === "login" ? { email, password } : { email, password, name: "script" };
  return t.client().request("POST", `/api/auth/${route}`, { json, headers: { "x-forwarded-for": ip } });
}

async function signUp(t: TestServer, ip: string, email: string): Promise<ApiResponse> {
  return t.client().request("POST", "/api/auth/signup", { json: { email, password: RIGHT }, headers: { "x-forwarded-for": ip } });
}

function expectThrottled(res: ApiResponse): void {
  expect(res.status).toBe(429);
  expect(errorCode(res.body)).toBe("too_many_requests");
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
}

const statuses = (responses: ApiResponse[]) => responses.map((r) => r.status);
const count = (responses: ApiResponse[], status: number) => responses.filter((r) => r.status === status).length;

describe("a burst cannot outrun the throttle", () => {
  it.each(["login", "tokens"] as const)("40 parallel wrong passwords for one email and IP (%s): exactly the limit are checked", async (route) => {
    // A hash takes a few milliseconds at cost 8, so the burst's requests overlap their checks.
    const t = await start({ BCRYPT_COST: "8", LOGIN_MAX_FAILURES_PER_EMAIL_IP: "5", LOGIN_MAX_FAILURES_PER_IP: "1000" });
    const email = uniqueEmail("burst");
    expect((await signUp(t, "198.51.100.10", email)).status).toBe(201);

    const burst = await Promise.all(Array.from({ length: 40 }, () => signIn(t, "198.51.100.10", email, WRONG, route)));
    expect(count(burst, 401), String(statuses(burst))).toBe(5);
    expect(count(burst, 429), String(statuses(burst))).toBe(35);
    for (const res of burst.filter((r) => r.status === 429)) expectThrottled(res);
    // The budget is spent: the right password waits for the window too.
    expectThrottled(await signIn(t, "198.51.100.10", email, RIGHT, route));
  });
});

describe("a busy address does not lock everyone behind it out", () => {
  it("past the per-IP budget a correct password still signs in, and each email gets one more try", async () => {
    const t = await start({ LOGIN_MAX_FAILURES_PER_IP: "3", LOGIN_MAX_FAILURES_PER_EMAIL_IP: "5" });
    const office = "203.0.113.50";
    const alice = uniqueEmail("alice");
    const bob = uniqueEmail("bob");
    expect((await signUp(t, office, alice)).status).toBe(201);
    expect((await signUp(t, office, bob)).status).toBe(201);

    // Bob mistypes once; then someone in the same office sprays other accounts past the budget.
    expect((await signIn(t, office, bob, WRONG)).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await signIn(t, office, uniqueEmail("spray"), WRONG)).status).toBe(401);

    // Alice, behind the same address, still signs in (a session and an API token alike).
    expect((await signIn(t, office, alice, RIGHT)).status).toBe(200);
    expect((await signIn(t, office, alice, RIGHT, "tokens")).status).toBe(201);
    // A new email gets its check (a wrong password is a 401) and then none until the window ends.
    const fresh = uniqueEmail("spray");
    expect((await signIn(t, office, fresh, WRONG)).status).toBe(401);
    expectThrottled(await signIn(t, office, fresh, WRONG));
    // Bob, who already failed from this address in the window, waits for the window to end.
    expectThrottled(await signIn(t, office, bob, RIGHT));
    // Another address is not affected at all.
    expect((await signIn(t, "203.0.113.51", bob, RIGHT)).status).toBe(200);
  });

  it("keys an IPv6 client by its /64, an IPv4-mapped one by its IPv4 address", async () => {
    const t = await start({ LOGIN_MAX_FAILURES_PER_EMAIL_IP: "2", LOGIN_MAX_FAILURES_PER_IP: "1000" });
    const v6 = uniqueEmail("v6");
    expect((await signIn(t, "2001:db8:1:2::a", v6, WRONG)).status).toBe(401);
    expect((await signIn(t, "2001:db8:1:2:ffff::", v6, WRONG)).status).toBe(401);
    // Another address of the same /64 is the same client...
    expectThrottled(await signIn(t, "2001:db8:1:2:1234:5678:9abc:def0", v6, WRONG));
    // ...another /64 is not.
    expect((await signIn(t, "2001:db8:1:3::a", v6, WRONG)).status).toBe(401);

    const v4 = uniqueEmail("v4");
    expect((await signIn(t, "::ffff:198.51.100.7", v4, WRONG)).status).toBe(401);
    expect((await signIn(t, "198.51.100.7", v4, WRONG)).status).toBe(401);
    expectThrottled(await signIn(t, "::ffff:198.51.100.7", v4, WRONG));
    // IPv4 addresses are keyed one by one: the neighbour is another client.
    expect((await signIn(t, "198.51.100.8", v4, WRONG)).status).toBe(401);
  });
});

describe("one address cannot take the whole bcrypt queue", () => {
  it("while one IP floods sign-ins, another still signs in", async () => {
    // One hash at a time, each taking hundreds of milliseconds (cost 12), and room for 20 waiting.
    const t = await start({
      BCRYPT_COST: "12",
      BCRYPT_MAX_CONCURRENT: "1",
      BCRYPT_MAX_QUEUED: "20",
      BCRYPT_MAX_QUEUED_PER_IP: "4",
      LOGIN_MAX_FAILURES_PER_IP: "100000",
      LOGIN_MAX_FAILURES_PER_EMAIL_IP: "10000",
    });
    const email = uniqueEmail("patient");
    expect((await signUp(t, "192.0.2.2", email)).status).toBe(201);

    const flood = Array.from({ length: 40 }, () => signIn(t, "192.0.2.1", uniqueEmail("flood"), WRONG));
    // The first refusal shows the flooding address has taken all it may.
    await Promise.any(flood.map((p) => p.then((res) => (res.status === 401 ? Promise.reject(new Error("checked")) : res))));
    const patient = await signIn(t, "192.0.2.2", email, RIGHT);
    const flooded = await Promise.all(flood);

    expect(patient.status, JSON.stringify(patient.body)).toBe(200);
    const refused = flooded.filter((r) => r.status !== 401);
    expect(refused.length).toBeGreaterThan(0);
    for (const res of refused) {
      expect(res.status).toBe(429);
      expect(errorCode(res.body)).toBe("too_many_requests");
      expect(res.headers.get("retry-after")).toBe("1");
    }
  });
});

describe("a restart does not reset the limits", () => {
  it("keeps a throttled email+IP and a used-up sign-up budget in the SQLite file", async () => {
    const env = { LOGIN_MAX_FAILURES_PER_EMAIL_IP: "2", SIGNUP_MAX_PER_IP_PER_HOUR: "1" };
    const first = await start(env);
    const email = uniqueEmail("restart");
    expect((await signUp(first, "198.51.100.20", email)).status).toBe(201);
    for (let i = 0; i < 2; i++) expect((await signIn(first, "198.51.100.20", email, WRONG)).status).toBe(401);
    expectThrottled(await signIn(first, "198.51.100.20", email, RIGHT));
    await first.stop();

    const second = await start(env, first.dataDir);
    expectThrottled(await signIn(second, "198.51.100.20", email, RIGHT));
    expectThrottled(await signUp(second, "198.51.100.20", uniqueEmail("restart")));
    // Other clients were never limited.
    expect((await signIn(second, "198.51.100.21", email, RIGHT)).status).toBe(200);
  });

  const mongoUri = process.env.MONGODB_URI;
  it.skipIf(!mongoUri)("keeps a throttled email+IP in MongoDB (runs when MONGODB_URI is set)", async () => {
    const uri = withDatabase(mongoUri ?? "", `tandem_throttle_${randomBytes(6).toString("hex")}`);
    onTestFinished(() => dropDatabase(uri));
    const env = { MONGODB_URI: uri, LOGIN_MAX_FAILURES_PER_EMAIL_IP: "2" };
    const first = await start(env);
    const email = uniqueEmail("restart");
    expect((await signUp(first, "198.51.100.30", email)).status).toBe(201);
    for (let i = 0; i < 2; i++) expect((await signIn(first, "198.51.100.30", email, WRONG)).status).toBe(401);
    expectThrottled(await signIn(first, "198.51.100.30", email, RIGHT));
    await first.stop();

    const second = await start(env, first.dataDir);
    expectThrottled(await signIn(second, "198.51.100.30", email, RIGHT));
    expect((await signIn(second, "198.51.100.31", email, RIGHT)).status).toBe(200);
  });
});
