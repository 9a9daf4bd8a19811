import type http from "node:http";
import express from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import { CloseCode } from "@tandem/protocol";
import { createGateway, MemoryBus, type Bus, type Gateway } from "@tandem/gateway";
import type { Config } from "./config.js";
import type { Store } from "./store/Store.js";
import { ChangeFeed } from "./todos/ChangeFeed.js";
import { TodoService } from "./todos/TodoService.js";
import { WriteLimit } from "./todos/writeLimit.js";
import { Passwords } from "./auth/passwords.js";
import { ActionLimit, LoginThrottle } from "./auth/loginThrottle.js";
import { memoryLimiter, type LimiterFactory } from "./limits/LimiterFactory.js";
import { Sessions } from "./auth/sessions.js";
import { startSessionPurge } from "./auth/sessionPurge.js";
import { authenticate } from "./http/authenticate.js";
import { errorHandler, notFoundHandler } from "./http/errorHandler.js";
import { idempotentWrites, startIdempotencyPurge } from "./http/idempotency.js";
import { expressServer } from "./http/expressServer.js";
import { jsonBody } from "./http/jsonBody.js";
import { originCheck } from "./http/originCheck.js";
import { publicOrigin } from "./http/publicOrigin.js";
import { requestLogger } from "./http/requestLogger.js";
import { apiHeaders } from "./http/apiHeaders.js";
import { defaultWebDist, webApp } from "./http/webApp.js";
import { authRoutes, type RevokedCredential } from "./routes/authRoutes.js";
import { addTodoRoutes } from "./routes/todoRoutes.js";
import { healthRoutes } from "./routes/health.js";
import { socketGrantRoute } from "./routes/socketGrantRoute.js";
import { webhookReceiverRoute } from "./routes/webhookReceiverRoute.js";
import type { KeyValue } from "./kv/KeyValue.js";
import { Tickets, type TicketClaims } from "./sockets/tickets.js";
import { socketAuth } from "./sockets/socketAuth.js";
import { catchUp } from "./sockets/catchUp.js";
import { relay } from "./sockets/relay.js";
import { SessionExpiry } from "./sockets/sessionExpiry.js";
import { credentialTag, sessionTag } from "./sockets/tags.js";

export interface ServerDeps {
  config: Config;
  store: Store;
  logger: Logger;
  /** Keys the stored ids of browser sessions (main.ts supplies SESSION_SECRET or a persisted development secret). */
  sessionSecret: string;
  /** How instances reach each other's sockets; default: in-process (one instance). */
  bus?: Bus;
  /**
   * Where tickets and webhook ids live: in-process for one instance, Redis for several. The caller
   * owns it and closes it after the HTTP drain (requests in flight may still issue tickets).
   */
  kv: KeyValue;
  /**
   * Where counters shared by every instance live (Redis). Without it, sign-in and sign-up counters
   * live in the store's database (`Store.limiters`), so a restart does not reset them, and
   * write-rate counters in this process's memory (a counter in the database would cost a write
   * per write).
   */
  limiter?: LimiterFactory;
}

export interface TandemServer {
  /** Not listening yet: the caller decides the port (tests use 0). */
  httpServer: http.Server;
  app: express.Express;
  feed: ChangeFeed;
  gateway: Gateway<TicketClaims>;
  bus: Bus;
  /**
   * Closes every socket with `code` (1012 by default: clients reconnect to the next instance and
   * catch up) and stops the gateway. The caller closes the HTTP server, the store and the kv.
   */
  close(code?: CloseCode): Promise<void>;
}

/** Builds the whole app (HTTP routes, sessions, change feed) without starting it. */
export function createServer({ config, store, logger, sessionSecret, bus = new MemoryBus(), kv, limiter: sharedLimiter }: ServerDeps): TandemServer {
  const limiter = sharedLimiter ?? store.limiters;
  const app = express();
  const httpServer = expressServer(app);
  app.set("trust proxy", config.TRUST_PROXY);
  const originOf = publicOrigin({ publicUrl: config.PUBLIC_URL, trustProxy: config.TRUST_PROXY });
  app.set("x-powered-by", false);
  // API answers are never cached (no-store), so computing an ETag for each would be wasted work.
  app.set("etag", false);
  app.set("query parser", "simple");

  const feed = new ChangeFeed((err, event) => logger.error({ err, seq: event.meta.seq }, "change listener failed"));
  const writeLimit = new WriteLimit({ ratePerSecond: config.WRITE_RATE_PER_USER, burst: config.WRITE_BURST_PER_USER, limiter: sharedLimiter ?? memoryLimiter });
  const todos = new TodoService(store.todos, feed, { changeLogLimit: config.CHANGE_LOG_LIMIT, todosMaxPerUser: config.TODOS_MAX_PER_USER, writeLimit });
  const passwords = new Passwords(config.BCRYPT_COST, {
    maxConcurrent: config.BCRYPT_MAX_CONCURRENT,
    maxQueued: config.BCRYPT_MAX_QUEUED,
    maxPerClient: config.BCRYPT_MAX_QUEUED_PER_IP,
  });
  const loginThrottle = new LoginThrottle({
    windowMs: config.LOGIN_THROTTLE_WINDOW_MS,
    maxFailuresPerEmailIp: config.LOGIN_MAX_FAILURES_PER_EMAIL_IP,
    maxFailuresPerIp: config.LOGIN_MAX_FAILURES_PER_IP,
    limiter,
  });
  const signupLimit = new ActionLimit("signup_ip", config.SIGNUP_MAX_PER_IP_PER_HOUR, 3600, limiter);
  const tickets = new Tickets(kv, config.SOCKET_TICKET_TTL_MS, config.SOCKET_TICKETS_PER_USER);
  const sessions = new Sessions(store.sessions, {
    key: sessionSecret,
    idleMs: config.SESSION_IDLE_TIMEOUT_MS,
    absoluteMs: config.SESSION_ABSOLUTE_TIMEOUT_MS,
    secureCookie: config.production,
  });
  // The sockets of a session that expires while they are open are closed as a sign-out's are.
  const stopSessionPurge = startSessionPurge(store.sessions, logger);
  const stopIdempotencyPurge = startIdempotencyPurge(store.idempotency, logger);
  const write = idempotentWrites({ store: store.idempotency, ttlMs: config.IDEMPOTENCY_KEY_TTL_MS, leaseMs: config.IDEMPOTENCY_LEASE_MS, logger });
  const sessionExpiry = new SessionExpiry({
    sessions: store.sessions,
    intervalMs: config.SESSION_EXPIRY_CHECK_MS,
    onExpired: (sessionId) => gateway.close({ tags: [sessionTag(sessionId)] }, CloseCode.SIGNED_OUT, "session expired"),
    logger,
  });
  const gateway = createGateway<TicketClaims>({
    authenticate: socketAuth({ store, sessions, tickets, originOf, allowedOrigins: config.ALLOWED_ORIGINS, sessionExpiry }),
    onOpen: (socket) => catchUp(todos, socket),
    bus,
    maxPayload: config.SOCKET_MAX_PAYLOAD_BYTES,
    maxConnectionsPerKey: config.SOCKET_MAX_PER_USER,
    pingIntervalMs: config.PING_INTERVAL_MS,
    maxBufferedBytes: config.SOCKET_MAX_BUFFERED_BYTES,
    maxInboundPerSecond: config.SOCKET_MAX_INBOUND_PER_SECOND,
    logger: logger.child({ component: "gateway" }),
  });
  feed.subscribe((event) => relay(gateway, event));
  // Signing out (or revoking a token) closes, on every instance, the sockets that credential opened.
  const onRevoked = (credential: RevokedCredential) => {
    gateway.close({ tags: [credentialTag(credential)] }, CloseCode.SIGNED_OUT, "signed out");
  };

  app.use(requestLogger(app, logger));

  const api = express.Router();
  api.use(apiHeaders({ hsts: config.production }));
  api.use(
    "/websocket/messages",
    webhookReceiverRoute({
      gateway,
      kv,
      secret: config.WEBHOOK_SECRET,
      bodyLimitBytes: config.WEBHOOK_BODY_LIMIT_BYTES,
      idempotencyTtlMs: config.WEBHOOK_IDEMPOTENCY_TTL_MS,
    }),
  );
  api.use(jsonBody(config.JSON_BODY_LIMIT_BYTES));
  api.use(originCheck(originOf, config.ALLOWED_ORIGINS));
  api.use(authenticate(store, sessions));
  api.use("/auth", authRoutes({ store, sessions, passwords, loginThrottle, signupLimit, onRevoked }));
  addTodoRoutes(api, todos, write);
  api.use("/websocket", socketGrantRoute(tickets, originOf));
  api.use(notFoundHandler);
  app.use("/api", api);

  // Everything below serves documents a browser renders (and the health check): helmet's full set.
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { "connect-src": ["'self'"], "img-src": ["'self'", "data:"], "upgrade-insecure-requests": config.production ? [] : null },
      },
      strictTransportSecurity: config.production,
    }),
  );
  app.use(healthRoutes({ store, bus, gateway }));
  app.use(webApp(config.WEB_DIST_DIR ?? defaultWebDist()));
  app.use(notFoundHandler);
  app.use(errorHandler);

  gateway.attach(httpServer);
  return {
    httpServer,
    app,
    feed,
    gateway,
    bus,
    async close(code: CloseCode = CloseCode.SERVICE_RESTART) {
      sessionExpiry.stop();
      stopSessionPurge();
      stopIdempotencyPurge();
      await gateway.shutdown(code, code === CloseCode.SERVICE_RESTART ? "server restarting" : "server going away");
      httpServer.closeIdleConnections();
    },
  };
}
