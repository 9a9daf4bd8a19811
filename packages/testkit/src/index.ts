/**
 * `@tandem/testkit`: the launchers that tests, e2e and the benchmark share. One free port, one
 * throwaway redis-server, one server process; nothing here knows which server it runs.
 */
export { freePort } from "./freePort.js";
export { hasRedis, startRedis, type RedisServer, type StartRedisOptions } from "./redisServer.js";
export { startServerProcess, type Exit, type ServerProcess, type StartServerOptions } from "./serverProcess.js";
export { killOnExit, stopChild } from "./killOnExit.js";
export type { WrapCommand } from "./wrap.js";
