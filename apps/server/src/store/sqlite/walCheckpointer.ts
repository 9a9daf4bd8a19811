import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

export interface WalCheckpointerOptions {
  /** The database file (in WAL mode). */
  file: string;
  /** How often the worker checkpoints (ms). */
  intervalMs: number;
  /** Called once if the worker fails; the caller then checkpoints on its own connection again. */
  onFailure: (err: Error) => void;
}

/** How long `stop()` waits for the worker to close its connection before terminating it. */
const STOP_TIMEOUT_MS = 2_000;

/**
 * The worker's program. It is evaluated from this string rather than loaded from a file so it
 * runs the same from the TypeScript sources (tests) and from dist/; it is plain CommonJS.
 * A PASSIVE checkpoint never waits for readers or writers: it copies what it can and returns.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 0 });
db.pragma("synchronous = NORMAL");
const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (err) {
    // SQLITE_BUSY: another connection is checkpointing right now; the next tick will do.
    if (err.code !== "SQLITE_BUSY") throw err;
  }
}, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default the connection that commits
 * checkpoints every 1,000 WAL pages itself, synchronously, inside whichever request crosses
 * the mark: copying those pages into the database and two fsyncs stalled the event loop for
 * 10–30 ms every couple of hundred writes here, which was most of the write p99. A worker thread
 * with its own connection checkpoints on a timer instead; the app's connection keeps a far
 * higher automatic threshold only as a safety net (see SqliteStore).
 */
export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  #stopped = false;

  constructor(options: WalCheckpointerOptions) {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, file: options.file, intervalMs: options.intervalMs },
    });
    this.#exited = new Promise((resolve) => this.#worker.once("exit", () => resolve()));
    // Never what keeps the process alive.
    this.#worker.unref();
    this.#worker.once("error", (err) => {
      if (!this.#stopped) options.onFailure(err);
    });
  }

  /** Asks the worker to close its connection and waits until it has exited. */
  async stop(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      // A worker that already failed has exited: the message goes nowhere, and that is fine.
      this.#worker.postMessage("stop");
    }
    const timer = setTimeout(() => void this.#worker.terminate(), STOP_TIMEOUT_MS);
    await this.#exited;
    clearTimeout(timer);
  }
}
