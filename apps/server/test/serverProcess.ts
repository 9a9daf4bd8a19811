import path from "node:path";
import { fileURLToPath } from "node:url";
import { startServerProcess as start, type ServerProcess } from "@tandem/testkit";

export type { ServerProcess };

/** The compiled server, exactly what the Procfile's `web:` line runs. */
export const SERVER_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist/main.js");

/**
 * Starts `node apps/server/dist/main.js` as its own process with the tests' defaults (NODE_ENV=test,
 * BCRYPT_COST=4, LOG_LEVEL=info), which `env` overrides. With no PORT it listens on PORT=0 and the
 * port is read back from its "listening" line. Needs `npm run build` first, as `npm test` does.
 */
export function startServerProcess(env: Record<string, string>, timeoutMs = 15_000): Promise<ServerProcess> {
  return start({
    entry: SERVER_MAIN,
    env: { NODE_ENV: "test", PORT: "0", BCRYPT_COST: "4", LOG_LEVEL: "info", ...env },
    portFromLine: listeningPort,
    timeoutMs,
  });
}

/** The port in Tandem's startup line (`{"msg":"listening on port …","port":N}`), if this is it. */
function listeningPort(line: string): number | undefined {
  const match = /"port":(\d+)/.exec(line);
  return match !== null && line.includes("listening") ? Number(match[1]) : undefined;
}
