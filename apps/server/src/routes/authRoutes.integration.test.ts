import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorBody, UserResponse } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";
import { ApiClient } from "../../test/ApiClient.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ LOGIN_MAX_FAILURES_PER_EMAIL_IP: "3", LOGIN_MAX_FAILURES_PER_IP: "1000" });
});
afterAll(() => t.close());

const errorCode = (body: unknown) => ErrorBody.parse(body).error.code;

describe("sign-up", () => {
  it("creates an account, signs it in, and normalises the email", async () => {
    const c = t.client();
    const email = uniqueEmail("Ada");
    const res = await c.post("/api/auth/signup", { email: `  ${email.toUpperCase()} `, password: "correct horse" });
    expect(res.status).toBe(201);
    expect(UserResponse.parse(res.body).user.email).toBe(email.toLowerCase());
    const setCookie = res.headers.getSetCookie().join(";");
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect((await c.get("/api/auth/me")).status).toBe(200);
  });

  it("stores a bcrypt hash, never the password", async () => {
    const email = uniqueEmail();
    await t.client().signup(email, "a password of mine");
    const record = await t.store.users.findByEmail(email);
    expect(record?.passwordHash).toMatch(/^\$2[aby]\$04\$/);
    expect(record?.passwordHash).not.toContain("a password of mine");
  });

  it("refuses a taken email with 409 email_taken", async () => {
    const email = uniqueEmail();
    await t.client().signup(email);
    const res = await t.client().post("/api/auth/signup", { email: email.toUpperCase(), password: "another password" });
    expect(res.status).toBe(409);
    expect(errorCode(res.body)).toBe("email_taken");
  });

  it.each([
    ["a bad email", { email: "not-an-email", password: "long enough" }],
    ["a short password", { email: uniqueEmail(), password: "short" }],
    ["a password over 72 bytes", { email: uniqueEmail(), password: "é".repeat(37) }],
    ["an unknown field", { email: uniqueEmail(), password: "long enough", admin: true }],
    ["an operator object for the email", { email: { $ne: "" }, password: "long enough" }],
    ["no body fields", {}],
  ])("refuses %s with 400 and details", async (_name, body) => {
    const res = await t.client().post("/api/auth/signup", body);
    expect(res.status).toBe(400);
    const parsed = ErrorBody.parse(res.body);
    expect(parsed.error.code).toBe("validation_failed");
    expect(parsed.error.details?.length).toBeGreaterThan(0);
  });

  it.each([
    ["one of the commonest passwords", "password", /most common passwords/],
    ["the account's own email", "EMAIL", /must not be your email address/],
  ])("refuses %s with 400 and the reason under password, making no account", async (_name, given, reason) => {
    const email = uniqueEmail();
    const password = given === "EMAIL" ? email : given;
    const res = await t.client().post("/api/auth/signup", { email, password });
    expect(res.status).toBe(400);
    const parsed = ErrorBody.parse(res.body);
    expect(parsed.error.code).toBe("validation_failed");
    expect(parsed.error.details).toEqual([{ path: "password", message: expect.stringMatching(reason) }]);
    expect(await t.store.users.findByEmail(email)).toBeNull();
  });

  it("accepts a 72-byte password exactly", async () => {
    const c = t.client();
    const password = "é".repeat(36);
    await c.signup(uniqueEmail(), password);
  });
});

describe("sign-in", () => {
  it("signs in with the right password and regenerates the session id", async () => {
    const email = uniqueEmail();
    const c = t.client();
    await c.signup(email, "right password");
    const before = c.cookie;
    const res = await c.post("/api/auth/login", { email, password: "right password" });
    expect(res.status).toBe(200);
    expect(UserResponse.parse(res.body).user.email).toBe(email);
    expect(c.cookie).toBeDefined();
    expect(c.cookie).not.toBe(before);
    // The session id before sign-in is dead.
    const old = new ApiClient(t.url);
    old.cookie = before;
    expect((await old.get("/api/auth/me")).status).toBe(401);
  });

  it("gives the same 401 body for an unknown email and a wrong password", async () => {
    const email = uniqueEmail();
    await t.client().signup(email, "right password");
    const wrong = await t.client().post("/api/auth/login", { email, password: "wrong password" });
    const unknown = await t.client().post("/api/auth/login", { email: uniqueEmail(), password: "wrong password" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(errorCode(wrong.body)).toBe("invalid_credentials");
  });

  it("never matches a password longer than 72 bytes by its first 72 bytes", async () => {
    const email = uniqueEmail();
    const password = "x".repeat(72);
    await t.client().signup(email, password);
    const res = await t.client().post("/api/auth/login", { email, password: password + "extra" });
    expect(res.status).toBe(401);
  });

  it("throttles failed sign-ins per email and IP with 429 and Retry-After", async () => {
    const email = uniqueEmail();
    await t.client().signup(email, "right password");
    for (let i = 0; i < 3; i++) {
      expect((await t.client().post("/api/auth/login", { email, password: "wrong" })).status).toBe(401);
    }
    const blocked = await t.client().post("/api/auth/login", { email, password: "right password" });
    expect(blocked.status).toBe(429);
    expect(errorCode(blocked.body)).toBe("too_many_requests");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another account from the same IP is not locked out by it.
    const other = uniqueEmail();
    await t.client().signup(other, "right password");
    expect((await t.client().post("/api/auth/login", { email: other, password: "right password" })).status).toBe(200);
  });
});

describe("sessions", () => {
  it("logout destroys the server-side session: the old cookie gets 401", async () => {
    const c = t.client();
    await c.signup(uniqueEmail());
    const cookie = c.cookie;
    expect((await c.post("/api/auth/logout")).status).toBe(204);
    const replay = new ApiClient(t.url);
    replay.cookie = cookie;
    expect((await replay.get("/api/auth/me")).status).toBe(401);
    expect((await replay.get("/api/todos")).status).toBe(401);
  });

  it("answers 401 without a session and ignores a forged cookie", async () => {
    const c = t.client();
    expect((await c.get("/api/auth/me")).status).toBe(401);
    c.cookie = "tandem.sid=s%3Aforged.signature";
    const res = await c.get("/api/auth/me");
    expect(res.status).toBe(401);
    expect(errorCode(res.body)).toBe("unauthorized");
  });
});

describe("API tokens", () => {
  it("creates, uses, lists and revokes a bearer token", async () => {
    const email = uniqueEmail();
    await t.client().signup(email, "right password");
    const native = t.client();
    const created = await native.post<{ token: string; info: { id: string } }>("/api/auth/tokens", {
      email,
      password: "right password",
      name: "my laptop",
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^tdm_/);
    expect(created.headers.getSetCookie()).toEqual([]);
    native.bearer = created.body.token;

    const me = await native.get("/api/auth/me");
    expect(me.status).toBe(200);
    expect(UserResponse.parse(me.body).user.email).toBe(email);
    expect((await native.post("/api/todos", { text: "from a script" })).status).toBe(201);

    const list = await native.get<{ tokens: { id: string; name: string; lastUsedAt: string | null }[] }>("/api/auth/tokens");
    expect(list.body.tokens).toHaveLength(1);
    expect(list.body.tokens[0]).toMatchObject({ id: created.body.info.id, name: "my laptop" });
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);

    expect((await native.delete(`/api/auth/tokens/${created.body.info.id}`)).status).toBe(204);
    expect((await native.get("/api/auth/me")).status).toBe(401);
  });

  it("refuses a token for wrong credentials, and another user's token id is not found", async () => {
    const email = uniqueEmail();
    await t.client().signup(email, "right password");
    const bad = await t.client().post("/api/auth/tokens", { email, password: "wrong password", name: "x" });
    expect(bad.status).toBe(401);

    const created = await t.client().post<{ info: { id: string } }>("/api/auth/tokens", { email, password: "right password", name: "x" });
    const other = t.client();
    await other.signup(uniqueEmail());
    expect((await other.delete(`/api/auth/tokens/${created.body.info.id}`)).status).toBe(404);
  });

  it("a bad bearer token is 401 even with a valid cookie beside it", async () => {
    const c = t.client();
    await c.signup(uniqueEmail());
    c.bearer = "tdm_not-a-real-token";
    expect((await c.get("/api/auth/me")).status).toBe(401);
  });
});

describe("CSRF and body rules", () => {
  it("refuses a state-changing body that is not JSON with 415 and parses nothing", async () => {
    const c = t.client();
    const email = uniqueEmail();
    const res = await c.request("POST", "/api/auth/signup", {
      body: JSON.stringify({ email, password: "long enough" }),
      headers: { "content-type": "text/plain" },
    });
    expect(res.status).toBe(415);
    expect(errorCode(res.body)).toBe("unsupported_media_type");
    expect(await t.store.users.findByEmail(email)).toBeNull();
  });

  it("refuses a cookie request from a foreign Origin with 403, allows its own and listed ones", async () => {
    const c = t.client();
    await c.signup(uniqueEmail());
    const evil = new ApiClient(t.url, { origin: "https://evil.example" });
    evil.cookie = c.cookie;
    const res = await evil.post("/api/todos", { text: "forged" });
    expect(res.status).toBe(403);
    expect((await c.get<{ todos: unknown[] }>("/api/todos")).body.todos).toHaveLength(0);

    const same = new ApiClient(t.url, { origin: t.url });
    same.cookie = c.cookie;
    expect((await same.post("/api/todos", { text: "mine" })).status).toBe(201);
  });

  it("refuses bodies over the limit with 413", async () => {
    const res = await t.client().post("/api/auth/signup", { email: uniqueEmail(), password: "x".repeat(20_000) });
    expect(res.status).toBe(413);
    expect(errorCode(res.body)).toBe("payload_too_large");
  });

  it("reads only uncompressed UTF-8 JSON objects or arrays", async () => {
    const c = t.client();
    const send = (body: string, headers: Record<string, string>) => c.request("POST", "/api/auth/login", { body, headers });
    const json = JSON.stringify({ email: uniqueEmail(), password: "long enough" });
    const cases: [string, Record<string, string>, number, string][] = [
      [json, { "content-type": "application/json; charset=utf-16" }, 415, "unsupported_media_type"],
      [json, { "content-type": "application/json", "content-encoding": "gzip" }, 415, "unsupported_media_type"],
      [json, { "content-type": "application/jsonx" }, 415, "unsupported_media_type"],
      ['"just a string"', { "content-type": "application/json" }, 400, "bad_request"],
      ["42", { "content-type": "application/json" }, 400, "bad_request"],
    ];
    for (const [body, headers, status, code] of cases) {
      const res = await send(body, headers);
      expect([res.status, errorCode(res.body)], JSON.stringify(headers)).toEqual([status, code]);
    }
    // Parameters in any case and a byte-order mark are fine: the body reaches validation (401 = read, checked, refused).
    expect((await send(`\uFEFF${json}`, { "content-type": "Application/JSON; Charset=\"UTF-8\"" })).status).toBe(401);
  });

  it("refuses a body that grows past the limit while streaming with 413, after reading it off", async () => {
    const { request } = await import("node:http");
    const url = new URL("/api/auth/login", t.url);
    const result = await new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const req = request(url, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
      });
      req.on("error", reject);
      // Chunked, no Content-Length: the limit can only be seen while reading.
      req.write(`{"email":"${"x".repeat(10_000)}`);
      setTimeout(() => {
        req.write(`${"y".repeat(10_000)}"}`);
        req.end();
      }, 50);
    });
    // The whole body was read and dropped before the answer, so the connection stays usable.
    expect(result).toEqual({ status: 413, connection: "keep-alive" });
  });

  it("answers a declared length past the limit plus 1 MiB at once with 413 and closes the connection", async () => {
    const { connect } = await import("node:net");
    const url = new URL(t.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(`POST /api/auth/login HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n{"email":`);
      });
      let text = "";
      socket.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      socket.on("close", () => resolve(text));
      socket.on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    expect(answer).toContain('"payload_too_large"');
  });

  it("drops a body whose client goes away mid-way: nothing is created and the server keeps answering", async () => {
    const { connect } = await import("node:net");
    const email = uniqueEmail();
    const url = new URL(t.url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        const head = `POST /api/auth/signup HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n`;
        socket.write(`${head}{"email":"${email}","password":"long enough`);
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
      socket.on("error", reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await t.store.users.findByEmail(email)).toBeNull();
    expect((await t.client().get("/api/auth/me")).status).toBe(401);
  });

  it("answers malformed JSON with 400", async () => {
    const res = await t.client().request("POST", "/api/auth/login", {
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(errorCode(res.body)).toBe("bad_request");
  });

  it("answers unknown API routes with a JSON 404", async () => {
    const res = await t.client().get("/api/nope");
    expect(res.status).toBe(404);
    expect(errorCode(res.body)).toBe("not_found");
  });
});

describe("sessions survive a restart", () => {
  it("keeps the user signed in and the data when the server restarts on the same data dir", async () => {
    const first = await startTestServer();
    const c = first.client();
    await c.signup(uniqueEmail());
    expect((await c.post("/api/todos", { text: "survives" })).status).toBe(201);
    await first.stop();

    const second = await startTestServer({}, first.dataDir);
    try {
      const again = second.client();
      again.cookie = c.cookie;
      expect((await again.get("/api/auth/me")).status).toBe(200);
      const list = await again.get<{ todos: { text: string }[] }>("/api/todos");
      expect(list.body.todos.map((x) => x.text)).toEqual(["survives"]);
    } finally {
      await second.close();
    }
  });
});

describe("per-IP limits", () => {
  it("past the per-IP failure budget holds each email to one failure from that IP, and limits sign-ups per IP", async () => {
    const limited = await startTestServer({
      LOGIN_MAX_FAILURES_PER_IP: "3",
      LOGIN_MAX_FAILURES_PER_EMAIL_IP: "100",
      SIGNUP_MAX_PER_IP_PER_HOUR: "2",
    });
    try {
      const sprayed = [uniqueEmail("spray"), uniqueEmail("spray"), uniqueEmail("spray")];
      for (const email of sprayed) {
        expect((await limited.client().post("/api/auth/login", { email, password: "guess" })).status).toBe(401);
      }
      // Past the budget, an email that failed from this IP gets no second guess in the window...
      const blocked = await limited.client().post("/api/auth/login", { email: sprayed[0], password: "guess 2" });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
      // ...and a new one gets a single guess (a correct password would sign in: see signInThrottle).
      const fresh = uniqueEmail("spray");
      expect((await limited.client().post("/api/auth/login", { email: fresh, password: "guess" })).status).toBe(401);
      expect((await limited.client().post("/api/auth/login", { email: fresh, password: "guess 2" })).status).toBe(429);

      await limited.client().signup(uniqueEmail());
      await limited.client().signup(uniqueEmail());
      const third = await limited.client().post("/api/auth/signup", { email: uniqueEmail(), password: "long enough" });
      expect(third.status).toBe(429);
      expect(errorCode(third.body)).toBe("too_many_requests");
    } finally {
      await limited.close();
    }
  });

  it("does not count a sign-up the server refused as too busy (503) against the IP", async () => {
    // One hash at a time and at most one waiting: of four sign-ups sent together, the first hashes
    // (cost 12 takes hundreds of milliseconds) and at least two are refused with 503 meanwhile.
    const busy = await startTestServer({ BCRYPT_COST: "12", BCRYPT_MAX_CONCURRENT: "1", BCRYPT_MAX_QUEUED: "1", SIGNUP_MAX_PER_IP_PER_HOUR: "4" });
    try {
      const signUp = () => busy.client().post("/api/auth/signup", { email: uniqueEmail("busy"), password: "long enough" });
      const together = await Promise.all([signUp(), signUp(), signUp(), signUp()]);
      const accepted = together.filter((r) => r.status === 201).length;
      const refused = together.filter((r) => r.status === 503);
      expect(accepted + refused.length).toBe(4);
      expect(accepted).toBeGreaterThanOrEqual(1);
      expect(refused.length).toBeGreaterThanOrEqual(2);
      for (const r of refused) {
        expect(errorCode(r.body)).toBe("unavailable");
        expect(r.headers.get("retry-after")).toBe("1");
      }
      // Only the accepted ones used a point: the refused ones were given back.
      for (let i = accepted; i < 4; i++) expect((await signUp()).status).toBe(201);
      expect((await signUp()).status).toBe(429);
    } finally {
      await busy.close();
    }
  });
});
