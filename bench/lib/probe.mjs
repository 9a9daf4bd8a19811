/**
 * The driver's end of `probe/serverProbe.mjs`: asks a server process (over IPC) to collect
 * garbage and report its memory, to report its CPU time, or to record a CPU profile.
 *
 * @typedef {{ rss: number, heapUsed: number, heapTotal: number, external: number, arrayBuffers: number }} Memory
 */
export class Probe {
  /** @param {import("node:child_process").ChildProcess} child */
  constructor(child) {
    this.child = child;
    this.nextId = 1;
    /** @type {Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void }>} */
    this.pending = new Map();
    child.on("message", (/** @type {{ id: number, result?: unknown, error?: string }} */ message) => {
      const waiter = this.pending.get(message.id);
      if (waiter === undefined) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(`probe: ${message.error}`));
      else waiter.resolve(message.result);
    });
    child.once("exit", () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error("probe: server exited"));
      this.pending.clear();
    });
  }

  /** @param {string} op @param {Record<string, unknown>} [args] @param {number} [timeoutMs] */
  ask(op, args = {}, timeoutMs = 15_000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`probe: ${op} got no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.child.send({ id, op, args });
    });
  }

  /** @returns {Promise<Memory>} after two full collections */
  memory() {
    return /** @type {Promise<Memory>} */ (this.ask("memory"));
  }

  /** @returns {Promise<number>} user + system CPU time so far, in ms */
  async cpuMs() {
    const { userUs, systemUs } = /** @type {{ userUs: number, systemUs: number }} */ (await this.ask("cpu"));
    return (userUs + systemUs) / 1000;
  }

  windowStart() {
    return this.ask("windowStart");
  }

  /** @returns {Promise<{ gcMs: number, gcCount: number, gcMaxMs: number, loopDelayP99Ms: number, loopDelayMaxMs: number }>} */
  windowStop() {
    return /** @type {Promise<{ gcMs: number, gcCount: number, gcMaxMs: number, loopDelayP99Ms: number, loopDelayMaxMs: number }>} */ (
      this.ask("windowStop")
    );
  }

  /** @param {number} [intervalUs] */
  profileStart(intervalUs = 500) {
    return this.ask("profileStart", { intervalUs });
  }

  /** @param {string} file */
  profileStop(file) {
    return this.ask("profileStop", { file }, 30_000);
  }
}
