import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { loadConfig, type Config } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { openStore } from "../src/openStore.js";
import { createServer, type TandemServer } from "../src/app.js";
import type { Store } from "../src/store/Store.js";
import { ApiClient } from "./ApiClient.js";
import { MemoryKeyValue } from "../src/kv/MemoryKeyValue.js";

export interface TestServer {
  url: string;
  config: Config;
  store: Store;
  server: TandemServer;
  dataDir: string;
  client(options?: { deviceId?: string; origin?: string }): ApiClient;
  /** Stops the server and closes the store; keeps the data dir (for restart tests). */
  stop(): Promise<void>;
  /** Stops and removes the data dir. */
  close(): Promise<void>;
}

/**
 * The real server, built as main.ts builds it, listening on a free loopback port with its own
 * temporary data dir. Cheap bcrypt and silent logs; anything else can be overridden.
 */
export interface TestServerOptions {
  /** Receives every log line (JSON) instead of dropping them. */
  logLines?: string[];
  /** Wraps the store, e.g. to make one method fail. */
  wrapStore?: (store: Store) => Store;
}

export async function startTestServer(env: Record<string, string> = {}, dataDir?: string, options: TestServerOptions = {}): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), "tandem-test-"));
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dir,
    BCRYPT_COST: "4",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    SESSION_SECRET: "test-session-secret-0123456789abcdef",
    ...env,
  });
  const lines = options.logLines;
  const logger = lines ? createLogger(config.LOG_LEVEL, { write: (line: string) => void lines.push(line) }) : createLogger(config.LOG_LEVEL);
  const opened = await openStore(config, logger);
  const store = options.wrapStore ? options.wrapStore(opened) : opened;
  const kv = new MemoryKeyValue();
  const server = createServer({ config, store, logger, sessionSecret: config.SESSION_SECRET ?? "", kv });
  await new Promise<void>((resolve) => server.httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = server.httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const closed = new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    await server.close();
    server.httpServer.closeAllConnections();
    await closed;
    await kv.close();
    await opened.close();
  };
  return {
    url,
    config,
    store,
    server,
    dataDir: dir,
    client: (options = {}) => new ApiClient(url, options),
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A fresh, valid email for each call (tests run in parallel against their own servers). */
export function uniqueEmail(prefix = "user"): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}
