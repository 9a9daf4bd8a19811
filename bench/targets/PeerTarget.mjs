import { fileURLToPath } from "node:url";
import { inBatches } from "../lib/inBatches.mjs";
import { ignoreDelivery } from "../lib/population.mjs";
import { serverOfDevice, startInstances } from "../lib/nodeServer.mjs";

const PASSWORD = "bench-password-1";

/** @typedef {import("../lib/population.mjs").Population} Population */

/**
 * What the two peers share: a process started from `bench/servers/` (or several, sharing one Redis:
 * see `tools/ceilingPair.mjs`), no authentication (the user id travels in `X-User-Id` and in the
 * socket's handshake), the same sign-in accounts, and the same request shapes as Tandem's.
 * Subclasses say how a device's socket is opened and closed.
 *
 * @implements {Population}
 */
export class PeerTarget {
  /**
   * @param {{ name: string, script: string, plan: import("../lib/cpuPlan.mjs").CpuPlan, dataDir: string,
   *   users: number, devicesPerUser: number, bcryptCost: number, signinUsers: number }} options
   */
  constructor(options) {
    this.options = options;
    this.name = options.name;
    this.users = options.users;
    this.devicesPerUser = options.devicesPerUser;
    /** @type {import("../lib/nodeServer.mjs").NodeServer[]} */
    this.servers = [];
    this.socketCount = 0;
    /** @type {(writeId: number, user: number, device: number) => void} */
    this.onDelivery = ignoreDelivery;
  }

  /**
   * With `redisUrl`, `instances` processes are given the same data directory and one Redis, as
   * Tandem's are in its two-instance phase. Only the ceiling relays events through Redis (and
   * then keeps a file of its own per instance; see `servers/wsCeiling.mjs`), so only it may be
   * started more than once.
   * @param {{ instances?: number, redisUrl?: string }} [options]
   */
  async start({ instances = 1, redisUrl } = {}) {
    if (instances > 1 && !this.relays) throw new Error(`${this.name} cannot run as several instances: it does not relay events between them`);
    this.servers = await startInstances(instances, this.name, {
      plan: this.options.plan,
      entry: fileURLToPath(new URL(`../servers/${this.options.script}`, import.meta.url)),
      env: {
        NODE_ENV: "production",
        DATA_DIR: this.options.dataDir,
        BCRYPT_COST: String(this.options.bcryptCost),
        SIGNIN_USERS: String(this.options.signinUsers),
        SIGNIN_PASSWORD: PASSWORD,
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      },
      maxSockets: 128,
    });
  }

  /** Whether the server relays events between instances through Redis (`REDIS_URL`). */
  get relays() {
    return false;
  }

  /** The peers create their sign-in accounts as they boot. */
  async createSigninAccounts() {}

  get probes() {
    return this.servers.map((s) => s.probe);
  }

  /** @param {number} device */
  serverOf(device) {
    return serverOfDevice(this.servers, device);
  }

  /** @param {number} concurrency */
  async connect(concurrency = 64) {
    const devices = [];
    for (let u = 0; u < this.users; u++) for (let d = 0; d < this.devicesPerUser; d++) devices.push({ u, d });
    await inBatches(devices, concurrency, async ({ u, d }) => {
      await this.openDevice(u, d);
      this.socketCount++;
    });
  }

  /**
   * Opens device `d` of user `u` and calls `this.onDelivery(writeId, u, d)` for each event.
   * @abstract
   * @param {number} _u @param {number} _d
   * @returns {Promise<void>}
   */
  async openDevice(_u, _d) {
    throw new Error("openDevice is implemented by each peer");
  }

  /** @abstract */
  closeDevices() {}

  /** @param {number} user @param {number} device @param {string} text */
  async post(user, device, text) {
    const res = await this.serverOf(device).http.request("POST", "/api/todos", {
      json: { text },
      headers: { "x-user-id": userId(user), "x-device-id": `bench-u${user}-d${device}` },
    });
    return res.status;
  }

  /** @param {number} i */
  async signIn(i) {
    const res = await this.serverOf(0).http.request("POST", "/api/auth/login", {
      json: { email: `signin-${i % this.options.signinUsers}@bench.test`, password: PASSWORD },
    });
    return res.status;
  }

  async stop() {
    this.closeDevices();
    this.socketCount = 0;
    await Promise.all(this.servers.map((s) => s.stop()));
    this.servers = [];
  }
}

/** @param {number} u */
export const userId = (u) => `u${u}`;

