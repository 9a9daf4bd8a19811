import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import type { Server, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { MemoryBus, RedisBus, type Bus } from "@tandem/gateway";
import { CloseCode } from "@tandem/protocol";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { openStore } from "./openStore.js";
import { createServer, type TandemServer } from "./app.js";
import { developmentSessionSecret } from "./devSecret.js";
import { proxyTrustNotice } from "./http/proxyTrust.js";
import type { Redis } from "ioredis";
import type { Store } from "./store/Store.js";
import type { KeyValue } from "./kv/KeyValue.js";
import type { LimiterFactory } from "./limits/LimiterFactory.js";
import { redisLimiter } from "./limits/redisLimiter.js";
import { MemoryKeyValue } from "./kv/MemoryKeyValue.js";
import { RedisKeyValue } from "./kv/RedisKeyValue.js";
import { waitForRedis } from "./waitForRedis.js";
import { RedisPresence } from "./devices/RedisPresence.js";
import { startBanner } from "./startBanner.js";

/**
 * The process: read config, open the store, listen on $PORT, drain on SIGTERM.
 * Everything else lives in createServer() so tests can build the same server on port 0.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  warnAboutInstances(config, logger);
  const trust = proxyTrustNotice({ trustProxy: config.TRUST_PROXY, publicUrl: config.PUBLIC_URL });
  logger.info(trust.fields, trust.message);

  const store = await openStore(config, logger);
  const { bus, kv, limiter, redis } = sharedState(config);
  const sessionSecret = config.SESSION_SECRET ?? developmentSessionSecret(config.DATA_DIR);
  // Presence keys live as long as a heartbeat interval unless refreshed: a dead instance's devices go offline.
  const presence = redis ? new RedisPresence(redis, { ttlMs: config.PING_INTERVAL_MS, logger }) : undefined;
  const server = createServer({ config, store, logger, sessionSecret, bus, kv, limiter, presence });
  const inFlight = trackResponses(server.httpServer);
  if (redis) await waitForRedis({ redis, bus, timeoutMs: config.REDIS_CONNECT_TIMEOUT_MS, logger });

  await new Promise<void>((resolve, reject) => {
    server.httpServer.once("error", reject);
    server.httpServer.listen(config.PORT, config.HOST, resolve);
  });
  const address = server.httpServer.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  logger.info(
    { version: version(), port, db: store.kind, bus: bus.kind, pingIntervalMs: config.PING_INTERVAL_MS, env: config.NODE_ENV },
    `tandem ${version()} listening on port ${port} (db ${store.kind}, bus ${bus.kind}, heartbeat ${config.PING_INTERVAL_MS} ms)`,
  );
  if (config.NODE_ENV === "development") {
    process.stdout.write(`${startBanner({ host: config.HOST, port, interfaces: networkInterfaces() }).join("\n")}\n`);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // Platforms may send SIGTERM more than once (and foreman forwards it to a process group that
    // already got it): the first one starts the drain, the others must not crash or restart it.
    if (stopping) {
      logger.info({ signal }, "already shutting down");
      return;
    }
    stopping = true;
    void shutdown({ signal, server, inFlight, store, bus, kv, redis, logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }).then((code) =>
      process.exit(code),
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/**
 * Time left for closing the database, the bus and Redis once the drain is over; the drain gets
 * the rest of the budget. Closing them normally takes milliseconds, but MongoDB and Redis
 * clients wait for a reply from the network.
 */
const CLOSE_RESERVE_MS = 2_000;
/** The hard exit fires this much before the budget ends, so "within SHUTDOWN_TIMEOUT_MS" holds strictly. */
const EXIT_MARGIN_MS = 250;
/** How often, while draining, connections that just finished a response are closed. */
const IDLE_SWEEP_MS = 100;

interface ShutdownDeps {
  signal: NodeJS.Signals;
  server: TandemServer;
  inFlight: ReadonlySet<ServerResponse>;
  store: Store;
  bus: Bus;
  kv: KeyValue;
  redis: Redis | undefined;
  logger: Logger;
  /** The whole budget, from the signal to the exit (SHUTDOWN_TIMEOUT_MS). */
  timeoutMs: number;
}

/**
 * The SIGTERM contract of a Heroku-style platform: SIGKILL follows 30 s after SIGTERM, and we
 * promise to be gone within SHUTDOWN_TIMEOUT_MS (10 s by default). In order:
 *
 * 1. Stop accepting connections; idle keep-alive connections are closed at once, and busy ones
 *    as soon as their response is sent (with `Connection: close`, so clients do not reuse them).
 * 2. Close every socket with 1012: clients reconnect, land on the new instance, and catch up.
 * 3. Let requests in flight finish, until the drain deadline; then cut what is left.
 * 4. Close the database, the bus and Redis. A failure is logged and does not stop the others.
 *
 * Resolves with the exit code: 0 for a clean stop, 1 if anything failed to close. Whatever
 * hangs, a hard timer exits (1) just before the budget runs out.
 */
async function shutdown({ signal, server, inFlight, store, bus, kv, redis, logger, timeoutMs }: ShutdownDeps): Promise<number> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  logger.info({ signal, timeoutMs }, "shutting down: draining requests and closing sockets with 1012");

  const hardExit = setTimeout(() => {
    logger.error({ timeoutMs, elapsedMs: elapsed(), inFlight: inFlight.size }, "shutdown did not finish in time; exiting");
    process.exit(1);
  }, timeoutMs - EXIT_MARGIN_MS);
  hardExit.unref();

  const { httpServer } = server;
  const drained = new Promise<void>((resolve) => httpServer.close(() => resolve()));
  // A keep-alive connection that is busy when close() is called stays open after its response
  // until keepAliveTimeout (5 s) unless told otherwise: that would hold the drain open.
  for (const res of inFlight) if (!res.headersSent) res.setHeader("Connection", "close");
  httpServer.prependListener("request", (_req, res: ServerResponse) => res.setHeader("Connection", "close"));
  const sweep = setInterval(() => httpServer.closeIdleConnections(), IDLE_SWEEP_MS);
  httpServer.closeIdleConnections();

  const drainMs = Math.max(timeoutMs - CLOSE_RESERVE_MS, timeoutMs / 2) - EXIT_MARGIN_MS;
  let drainTimer: NodeJS.Timeout | undefined;
  const drainDeadline = new Promise<"timeout">((resolve) => {
    drainTimer = setTimeout(() => resolve("timeout"), Math.max(0, drainMs - elapsed()));
  });
  let exitCode = 0;
  try {
    const result = await Promise.race([server.close(CloseCode.SERVICE_RESTART).then(() => drained), drainDeadline]);
    if (result === "timeout") {
      logger.warn({ inFlight: inFlight.size, drainMs }, "drain deadline reached; closing the remaining connections");
      httpServer.closeAllConnections();
    }
  } catch (err) {
    exitCode = 1;
    logger.error({ err }, "closing sockets failed");
    httpServer.closeAllConnections();
  } finally {
    clearTimeout(drainTimer);
    clearInterval(sweep);
  }

  const resources: [string, () => Promise<void> | void][] = [
    ["store", () => store.close()],
    ["tickets", () => kv.close()],
    ["bus", () => bus.close()],
    ["redis", () => redis?.disconnect()],
  ];
  for (const [name, close] of resources) {
    try {
      await close();
    } catch (err) {
      exitCode = 1;
      logger.error({ err, resource: name }, `closing the ${name} failed`);
    }
  }
  logger.info({ signal, durationMs: elapsed(), exitCode }, "stopped");
  return exitCode;
}

/**
 * The responses not yet finished, so a drain can ask each to close its connection. Upgrades are
 * not requests (they never appear here): the gateway closes those sockets.
 */
function trackResponses(httpServer: Server): ReadonlySet<ServerResponse> {
  const live = new Set<ServerResponse>();
  httpServer.on("request", (_req, res: ServerResponse) => {
    live.add(res);
    res.once("close", () => live.delete(res));
  });
  return live;
}

function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`tandem: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * With REDIS_URL, sockets, tickets, webhook ids, sign-in and write-rate counters are shared by every instance.
 * Without it, sign-in counters live in the store's database (no `limiter`: `createServer` takes
 * the store's), so a restart does not reset them; write-rate counters in this process's memory.
 */
function sharedState(config: Config): { bus: Bus; kv: KeyValue; limiter?: LimiterFactory; redis?: Redis } {
  if (!config.REDIS_URL) return { bus: new MemoryBus(), kv: new MemoryKeyValue() };
  const redis = RedisKeyValue.client(config.REDIS_URL);
  return { bus: new RedisBus({ url: config.REDIS_URL }), kv: new RedisKeyValue(redis), limiter: redisLimiter(redis), redis };
}

function warnAboutInstances(config: Config, logger: Logger): void {
  if (!config.REDIS_URL && (config.WEB_CONCURRENCY ?? 1) > 1) {
    logger.warn(
      { webConcurrency: config.WEB_CONCURRENCY },
      "several instances are expected but REDIS_URL is not set: changes will not reach sockets on other instances, and socket tickets will only work on the instance that issued them",
    );
  }
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

main().catch((err: unknown) => {
  console.error("tandem: failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
