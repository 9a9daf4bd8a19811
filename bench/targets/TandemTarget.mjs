import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inBatches } from "../lib/inBatches.mjs";
import { ignoreDelivery } from "../lib/population.mjs";
import { serverOfDevice, startInstances, startNodeServer } from "../lib/nodeServer.mjs";
import { openSocket } from "../lib/openSocket.mjs";
import { writeIdOfFrame } from "../lib/writeIds.mjs";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
/** The built server of a checkout (this one unless another is given, see `--tandem-baseline`). */
export const tandemMain = (repo = REPO) => path.join(repo, "apps/server/dist/main.js");
export const TANDEM_MAIN = tandemMain();

/**
 * The Node flags of the Procfile's `web` line (`web: node <flags> apps/server/dist/main.js`), so
 * the measured processes run exactly as production does.
 * @returns {string[]}
 */
export function procfileNodeFlags(repo = REPO) {
  const web = readFileSync(path.join(repo, "Procfile"), "utf8")
    .split("\n")
    .find((line) => line.startsWith("web:"));
  const words = (web ?? "").slice("web:".length).trim().split(/\s+/);
  const entry = words.indexOf("apps/server/dist/main.js");
  if (words[0] !== "node" || entry < 0) throw new Error(`unexpected Procfile web line: ${web ?? "(none)"}`);
  return words.slice(1, entry);
}

/** Every account's password (setup accounts and sign-in accounts alike). */
const PASSWORD = "bench-password-1";
/** Requests arrive as they would through the PaaS router: HTTPS terminated one hop before us. */
const FORWARDED = { "x-forwarded-proto": "https" };

/** @typedef {import("../lib/population.mjs").Population} Population */

/**
 * Tandem, driven the way its web app drives it: one signed-in session per user (a cookie), one
 * `X-Device-Id` per device, a ticket from `GET /api/websocket` per socket, writes with
 * `POST /api/todos`, change events on every socket of the user.
 *
 * Set-up is split so the measured server is the production configuration: the 1,000 accounts are
 * created by a first process with NODE_ENV=test and BCRYPT_COST=4 (production refuses a cost
 * under 10, and 1,000 sign-ups at cost 12 would take a minute on two cores); that process is then
 * stopped and the measured ones start with NODE_ENV=production and the real cost on the same
 * DATA_DIR and SESSION_SECRET, so the sessions (stored in SQLite) are still valid. The accounts of
 * the sign-in phase are created by the production process itself, so their hashes have the real
 * cost.
 *
 * @implements {Population}
 */
export class TandemTarget {
  /**
   * @param {{ plan: import("../lib/cpuPlan.mjs").CpuPlan, dataDir: string, users: number,
   *   devicesPerUser: number, bcryptCost: number, sessionSecret: string, signinUsers: number,
   *   name?: string, repo?: string }} options
   *   `repo`: the checkout whose built server runs (default: this one); `name`: "tandem" by default
   */
  constructor(options) {
    this.options = options;
    this.name = options.name ?? "tandem";
    this.main = tandemMain(options.repo);
    this.nodeFlags = procfileNodeFlags(options.repo);
    this.users = options.users;
    this.devicesPerUser = options.devicesPerUser;
    /** @type {string[]} the session cookie of each user */
    this.cookies = [];
    /** @type {import("../lib/nodeServer.mjs").NodeServer[]} */
    this.servers = [];
    /** @type {import("ws").WebSocket[]} */
    this.sockets = [];
    /** @type {(writeId: number, user: number, device: number) => void} */
    this.onDelivery = ignoreDelivery;
  }

  get socketCount() {
    return this.sockets.length;
  }

  /** @param {Record<string, string>} extra */
  env(extra) {
    const { dataDir, sessionSecret } = this.options;
    return {
      DATA_DIR: dataDir,
      SESSION_SECRET: sessionSecret,
      // Required in production; socket URIs name it, and connect() opens them on the server's port.
      PUBLIC_URL: "https://tandem.bench.test",
      ALLOW_EMBEDDED_DB: "1",
      SOCKET_MAX_PER_USER: "20",
      SIGNUP_MAX_PER_IP_PER_HOUR: "100000",
      LOGIN_MAX_FAILURES_PER_IP: "100000",
      // The per-user caps stay on the write path (their checks are part of what a write costs) but
      // never refuse: the driver's users write faster and more than a person does.
      // `tools/loopAtCaps.mjs` measures the caps themselves.
      WRITE_RATE_PER_USER: "100000",
      WRITE_BURST_PER_USER: "100000",
      TODOS_MAX_PER_USER: "1000000",
      ...extra,
    };
  }

  /** Creates the accounts with a short-lived NODE_ENV=test process (see the class comment). */
  async createAccounts() {
    const server = await startNodeServer({
      plan: this.options.plan,
      name: `${this.name} (account set-up)`,
      entry: this.main,
      env: this.env({ NODE_ENV: "test", BCRYPT_COST: "4" }),
    });
    try {
      const ids = Array.from({ length: this.users }, (_, u) => u);
      this.cookies = await inBatches(ids, 16, async (u) => {
        const res = await server.http.request("POST", "/api/auth/signup", {
          json: { email: `user-${u}@bench.test`, password: PASSWORD },
          headers: FORWARDED,
        });
        if (res.status !== 201) throw new Error(`sign-up of user ${u} answered ${res.status}: ${res.body}`);
        return sessionCookie(res.setCookies);
      });
    } finally {
      await server.stop();
    }
  }

  /**
   * Starts the measured process(es): production mode, the real bcrypt cost. With `redisUrl`,
   * `instances` processes share the database and one Redis, as a multi-instance deployment does.
   *
   * @param {{ instances?: number, redisUrl?: string }} [options]
   */
  async start({ instances = 1, redisUrl } = {}) {
    const extra = { NODE_ENV: "production", BCRYPT_COST: String(this.options.bcryptCost), ...(redisUrl ? { REDIS_URL: redisUrl } : {}) };
    this.servers = await startInstances(instances, this.name, {
      plan: this.options.plan,
      entry: this.main,
      nodeArgs: this.nodeFlags,
      env: this.env(extra),
      maxSockets: 128,
    });
  }

  get probes() {
    return this.servers.map((s) => s.probe);
  }

  /** Sign-in accounts, hashed by the production process at the configured cost. */
  async createSigninAccounts() {
    const server = /** @type {import("../lib/nodeServer.mjs").NodeServer} */ (this.servers[0]);
    const ids = Array.from({ length: this.options.signinUsers }, (_, i) => i);
    await inBatches(ids, ids.length, async (i) => {
      const res = await server.http.request("POST", "/api/auth/signup", {
        json: { email: `signin-${i}@bench.test`, password: PASSWORD },
        headers: FORWARDED,
      });
      // 409: created by an earlier start on the same data directory.
      if (res.status !== 201 && res.status !== 409) throw new Error(`sign-in account ${i}: ${res.status} ${res.body}`);
    });
  }

  /** @param {number} device */
  serverOf(device) {
    return serverOfDevice(this.servers, device);
  }

  /** Opens every device's socket: a ticket from its instance, then the upgrade with it. */
  async connect(concurrency = 64) {
    const devices = [];
    for (let u = 0; u < this.users; u++) for (let d = 0; d < this.devicesPerUser; d++) devices.push({ u, d });
    await inBatches(devices, concurrency, async ({ u, d }) => {
      const server = this.serverOf(d);
      const res = await server.http.request("GET", "/api/websocket", { headers: this.headers(u, d) });
      if (res.status !== 200) throw new Error(`GET /api/websocket for user ${u} answered ${res.status}: ${res.body}`);
      const { uri } = /** @type {{ uri: string }} */ (JSON.parse(res.body));
      // The grant's URI is on the public origin (wss://, PUBLIC_URL); here there is no TLS or router in front.
      const { pathname, search } = new URL(uri);
      const ws = await openSocket(`${server.url.replace(/^http:/, "ws:")}${pathname}${search}`);
      ws.on("message", (data) => {
        const id = writeIdOfFrame(/** @type {Buffer} */ (data));
        if (id >= 0) this.onDelivery(id, u, d);
      });
      this.sockets.push(ws);
    });
  }

  /** @param {number} u @param {number} d */
  headers(u, d) {
    return { ...FORWARDED, cookie: /** @type {string} */ (this.cookies[u]), "x-device-id": deviceId(u, d) };
  }

  /** @param {number} user @param {number} device @param {string} text */
  async post(user, device, text) {
    const res = await this.serverOf(device).http.request("POST", "/api/todos", { json: { text }, headers: this.headers(user, device) });
    return res.status;
  }

  /** One sign-in with a fresh client (no cookie): one bcrypt comparison at the configured cost. */
  async signIn(/** @type {number} */ i) {
    const server = /** @type {import("../lib/nodeServer.mjs").NodeServer} */ (this.servers[0]);
    const res = await server.http.request("POST", "/api/auth/login", {
      json: { email: `signin-${i % this.options.signinUsers}@bench.test`, password: PASSWORD },
      headers: FORWARDED,
    });
    return res.status;
  }

  /** Drops the sockets at once (no closing handshakes to wait for), then stops the server(s). */
  async stop() {
    for (const ws of this.sockets) ws.terminate();
    this.sockets = [];
    await Promise.all(this.servers.map((s) => s.stop()));
    this.servers = [];
  }
}

/** @param {number} u @param {number} d */
const deviceId = (u, d) => `bench-u${u}-d${d}`;

/**
 * The session cookie a browser would hold in production. The set-up process runs with
 * NODE_ENV=test, which names the cookie `tandem.sid`; the measured production processes read
 * `__Host-tandem.sid` (Secure cookies). The value, the session's secret, is the same.
 * @param {string[]} setCookie
 */
function sessionCookie(setCookie) {
  const pair = setCookie.map((c) => c.split(";")[0] ?? "").find((c) => c.startsWith("tandem.sid="));
  if (pair === undefined) throw new Error("sign-up set no tandem.sid cookie");
  return `__Host-${pair}`;
}
