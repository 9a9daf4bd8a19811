import { readFileSync } from "node:fs";
import { MemoryBus, RedisBus, type Bus } from "@tandem/gateway";
import { CloseCode } from "@tandem/protocol";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { openStore } from "./openStore.js";
import { createServer } from "./app.js";
import { developmentSessionSecret } from "./devSecret.js";
import type { Redis } from "ioredis";
import type { KeyValue } from "./kv/KeyValue.js";
import { memoryLimiter, redisLimiter, type LimiterFactory } from "./auth/loginThrottle.js";
import { MemoryKeyValue } from "./kv/MemoryKeyValue.js";
import { RedisKeyValue } from "./kv/RedisKeyValue.js";

/**
 * The process: read config, open the store, listen on $PORT, drain on SIGTERM.
 * Everything else lives in createServer() so tests can build the same server on port 0.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  warnAboutInstances(config, logger);

  const store = await openStore(config);
  const { bus, kv, limiter, redis } = sharedState(config);
  const sessionSecret = config.SESSION_SECRET ?? developmentSessionSecret(config.DATA_DIR);
  const server = createServer({ config, store, logger, sessionSecret, bus, kv, limiter });

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

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.info({ signal }, "already shutting down");
      return;
    }
    stopping = true;
    logger.info({ signal }, "shutting down: draining requests and closing sockets with 1012");
    // Platforms SIGKILL 30 s after SIGTERM; we promise to be gone well before.
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, "shutdown timed out; exiting");
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    // Stop accepting; in-flight requests finish (keep-alive connections close once idle).
    const drained = new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    server.httpServer.closeIdleConnections();
    await server.close(CloseCode.SERVICE_RESTART);
    await drained;
    await store.close();
    await bus.close();
    redis?.disconnect();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
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

/** With REDIS_URL, sockets, tickets, webhook ids and sign-in counters are shared by every instance. */
function sharedState(config: Config): { bus: Bus; kv: KeyValue; limiter: LimiterFactory; redis?: Redis } {
  if (!config.REDIS_URL) return { bus: new MemoryBus(), kv: new MemoryKeyValue(), limiter: memoryLimiter };
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
