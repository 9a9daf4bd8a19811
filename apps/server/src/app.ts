import type http from "node:http";
import express from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import { CloseCode, SignOutReason, devicesMessage } from "@tandem/protocol";
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
import { authRoutes } from "./routes/authRoutes.js";
import { addTodoRoutes } from "./routes/todoRoutes.js";
import { healthRoutes } from "./routes/health.js";
import { socketGrantRoute } from "./routes/socketGrantRoute.js";
import { webhookReceiverRoute } from "./routes/webhookReceiverRoute.js";
import { webhookRoutes } from "./routes/webhookRoutes.js";
import { withOutbox } from "./webhooks/outbox.js";
import { WebhookDeliverer } from "./webhooks/WebhookDeliverer.js";
import { WebhookService } from "./webhooks/WebhookService.js";
import type { KeyValue } from "./kv/KeyValue.js";
import { Tickets } from "./sockets/tickets.js";
import { socketAuth, type SocketData } from "./sockets/socketAuth.js";
import { catchUp } from "./sockets/catchUp.js";
import { relay } from "./sockets/relay.js";
import { CredentialExpiry } from "./sockets/credentialExpiry.js";
import { credentialTag, sessionTag, userTag } from "./sockets/tags.js";
import type { AccountEvents } from "./devices/accountEvents.js";
import { SocketPresence } from "./devices/socketPresence.js";
import { DeviceRoster } from "./devices/DeviceRoster.js";
import { MemoryPresence, type Presence } from "./devices/Presence.js";
import { CredentialCheck } from "./auth/credentialCheck.js";
import { PasswordReset } from "./auth/passwordReset.js";
import { createMailer } from "./mail/Mailer.js";
import { accountRoutes } from "./routes/accountRoutes.js";
import { passwordResetRoutes } from "./routes/passwordResetRoutes.js";

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
  /** How many sockets each device has open, across instances; default: this process's (one instance). */
  presence?: Presence;
}

export interface TandemServer {
  /** Not listening yet: the caller decides the port (tests use 0). */
  httpServer: http.Server;
  app: express.Express;
  feed: ChangeFeed;
  gateway: Gateway<SocketData>;
  bus: Bus;
  /**
   * Closes every socket with `code` (1012 by default: clients reconnect to the next instance and
   * catch up) and stops the gateway. The caller closes the HTTP server, the store and the kv.
   */
  close(code?: CloseCode): Promise<void>;
}

/** Attempts kept, and listed, per webhook endpoint (`GET /api/webhooks/:id/deliveries`). */
const WEBHOOK_ATTEMPTS_LISTED = 50;

/** Builds the whole app (HTTP routes, sessions, change feed) without starting it. */
export function createServer({
  config,
  store,
  logger,
  sessionSecret,
  bus = new MemoryBus(),
  kv,
  limiter: sharedLimiter,
  presence = new MemoryPresence(),
}: ServerDeps): TandemServer {
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
  const todos = new TodoService(withOutbox(store.todos), feed, { changeLogLimit: config.CHANGE_LOG_LIMIT, todosMaxPerUser: config.TODOS_MAX_PER_USER, writeLimit });
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
  const credentials = new CredentialCheck(store, passwords, loginThrottle);
  const tickets = new Tickets(kv, config.SOCKET_TICKET_TTL_MS, config.SOCKET_TICKETS_PER_USER);
  const sessions = new Sessions(store.sessions, {
    key: sessionSecret,
    idleMs: config.SESSION_IDLE_TIMEOUT_MS,
    absoluteMs: config.SESSION_ABSOLUTE_TIMEOUT_MS,
    secureCookie: config.production,
  });
  // The sockets of a session or token that expires while they are open are closed as a sign-out's are.
  const stopSessionPurge = startSessionPurge(store.sessions, logger);
  const stopIdempotencyPurge = startIdempotencyPurge(store.idempotency, logger);
  const write = idempotentWrites({
    store: store.idempotency,
    ttlMs: config.IDEMPOTENCY_KEY_TTL_MS,
    maxPerUser: config.IDEMPOTENCY_KEYS_MAX_PER_USER,
    leaseMs: config.IDEMPOTENCY_LEASE_MS,
    logger,
  });
  const credentialExpiry = new CredentialExpiry({
    sessions: store.sessions,
    tokens: store.tokens,
    intervalMs: config.SESSION_EXPIRY_CHECK_MS,
    onExpired: (credential) =>
      gateway.close(
        { tags: [credentialTag(credential)] },
        CloseCode.SIGNED_OUT,
        "sessionId" in credential ? SignOutReason.SESSION_EXPIRED : SignOutReason.TOKEN_EXPIRED,
      ),
    logger,
  });
  const gateway = createGateway<SocketData>({
    authenticate: socketAuth({ store, sessions, tickets, originOf, allowedOrigins: config.ALLOWED_ORIGINS, credentialExpiry }),
    onOpen: (socket) => {
      socketPresence.opened(socket.id, socket.data.userId, socket.data.accountDeviceId);
      return catchUp(todos, socket);
    },
    onClose: (socket) => socketPresence.closed(socket.id, socket.data.userId, socket.data.accountDeviceId),
    bus,
    maxPayload: config.SOCKET_MAX_PAYLOAD_BYTES,
    maxConnectionsPerKey: config.SOCKET_MAX_PER_USER,
    pingIntervalMs: config.PING_INTERVAL_MS,
    maxBufferedBytes: config.SOCKET_MAX_BUFFERED_BYTES,
    maxInboundPerSecond: config.SOCKET_MAX_INBOUND_PER_SECOND,
    logger: logger.child({ component: "gateway" }),
  });
  feed.subscribe((event) => relay(gateway, event));
  const webhooks = new WebhookService(store.webhooks, {
    maxPerUser: config.WEBHOOKS_MAX_PER_USER,
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    attemptsListed: WEBHOOK_ATTEMPTS_LISTED,
  });
  const deliverer = new WebhookDeliverer(store.webhooks, {
    pollMs: config.WEBHOOK_POLL_MS,
    baseMs: config.WEBHOOK_RETRY_BASE_MS,
    maxDelayMs: config.WEBHOOK_RETRY_MAX_DELAY_MS,
    giveUpAfterMs: config.WEBHOOK_GIVE_UP_AFTER_MS,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    maxResponseBytes: config.WEBHOOK_RESPONSE_MAX_BYTES,
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    keepAttempts: WEBHOOK_ATTEMPTS_LISTED,
    logger: logger.child({ component: "webhooks" }),
  });
  // A commit may have queued deliveries: look now rather than at the next poll.
  feed.subscribe(() => deliverer.wake());
  // Signing out, revoking a device, a password change or reset, deleting the account: the sockets
  // a credential opened close on every instance, and the user's other sockets hear of it.
  const events: AccountEvents = {
    revoked: (credential, reason) => gateway.close({ tags: [credentialTag(credential)] }, CloseCode.SIGNED_OUT, reason),
    renewed: (sessionId) => gateway.close({ tags: [sessionTag(sessionId)] }, CloseCode.SESSION_RENEWED, "session renewed"),
    rosterChanged: (userId, change, deviceId) => gateway.send({ tags: [userTag(userId)] }, JSON.stringify(devicesMessage(change, deviceId))),
    accountDeleted: (userId) => gateway.close({ tags: [userTag(userId)] }, CloseCode.SIGNED_OUT, SignOutReason.ACCOUNT_DELETED),
  };
  const roster = new DeviceRoster({ store, presence, events });

  // A device is online while it has a socket open anywhere; its user's sockets hear when that changes.
  const socketPresence = new SocketPresence(presence, events, (err) => logger.warn({ err }, "updating presence failed"));
  // An instance that died held sockets: their devices' users hear of it from a survivor.
  presence.start((userId, deviceIds) => deviceIds.forEach((deviceId) => events.rosterChanged(userId, "offline", deviceId)));

  const mailer = createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, production: config.production, logger });
  if (mailer === null) logger.warn("password reset is off: SMTP_URL is not set, so no reset email can be sent");
  const passwordReset = new PasswordReset({
    store,
    mailer,
    passwords,
    roster,
    ttlMs: config.PASSWORD_RESET_TTL_MS,
    perEmail: new ActionLimit("reset_email", config.PASSWORD_RESET_MAX_PER_EMAIL_PER_HOUR, 3600, limiter),
    logger,
  });
  const resetIpLimit = new ActionLimit("reset_ip", config.PASSWORD_RESET_MAX_PER_IP_PER_HOUR, 3600, limiter);

  app.use(requestLogger(app, logger));

  const api = express.Router();
  api.use(apiHeaders({ hsts: config.production }));
  api.use(
    "/websocket/messages",
    webhookReceiverRoute({
      gateway,
      kv,
      todos,
      secrets: [config.WEBHOOK_SECRET, config.WEBHOOK_SECRET_PREVIOUS].filter((secret) => secret !== undefined),
      bodyLimitBytes: config.WEBHOOK_BODY_LIMIT_BYTES,
      idempotencyTtlMs: config.WEBHOOK_IDEMPOTENCY_TTL_MS,
    }),
  );
  api.use(jsonBody(config.JSON_BODY_LIMIT_BYTES));
  api.use(originCheck(originOf, config.ALLOWED_ORIGINS));
  api.use(authenticate(store, sessions));
  api.use("/auth/password-reset", passwordResetRoutes(passwordReset, resetIpLimit, originOf));
  api.use("/auth", authRoutes({ store, sessions, passwords, credentials, signupLimit, events, tokensMaxPerUser: config.TOKENS_MAX_PER_USER }));
  api.use("/account", accountRoutes({ store, sessions, passwords, credentials, roster, todos, events }));
  addTodoRoutes(api, todos, write);
  api.use("/webhooks", webhookRoutes(webhooks));
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
  deliverer.start();
  return {
    httpServer,
    app,
    feed,
    gateway,
    bus,
    async close(code: CloseCode = CloseCode.SERVICE_RESTART) {
      // Attempts in flight finish and are recorded before the store closes: a restart repeats none.
      const delivering = deliverer.stop();
      credentialExpiry.stop();
      stopSessionPurge();
      stopIdempotencyPurge();
      await gateway.shutdown(code, code === CloseCode.SERVICE_RESTART ? "server restarting" : "server going away");
      await presence.stop();
      httpServer.closeIdleConnections();
      await delivering;
    },
  };
}
