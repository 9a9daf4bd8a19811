import { Router } from "express";
import type { HealthResponse } from "@tandem/protocol";
import type { Gateway } from "@tandem/gateway";
import type { Store } from "../store/Store.js";

export interface HealthDeps {
  store: Store;
  /** The bus between instances, when there is one to check. */
  bus?: { kind: "memory" | "redis"; ping(): Promise<void> };
  /** Its sockets and whether it accepts new ones go into the log line of a failed check. */
  gateway?: Pick<Gateway, "stats">;
}

/** `GET /healthz`: 200 when the database (and the bus) answer, 503 otherwise. Never cached. */
export function healthRoutes({ store, bus, gateway }: HealthDeps): Router {
  const router = Router();
  router.get("/healthz", async (req, res) => {
    const [db, busOk] = await Promise.all([answers(store.ping()), bus ? answers(bus.ping()) : Promise.resolve(true)]);
    const body: HealthResponse = { status: db && busOk ? "ok" : "degraded", db: store.kind, ...(bus ? { bus: bus.kind } : {}) };
    if (!db || !busOk) req.log.warn({ db, bus: busOk, ...(gateway ? { gateway: gateway.stats() } : {}) }, "health check failed");
    res.setHeader("Cache-Control", "no-store");
    res.status(db && busOk ? 200 : 503).json(body);
  });
  return router;
}

const HEALTH_TIMEOUT_MS = 2000;

async function answers(ping: Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), HEALTH_TIMEOUT_MS);
  });
  try {
    return await Promise.race([ping.then(() => true as const), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
