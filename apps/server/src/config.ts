import { z } from "zod";
import { usableCores } from "./usableCores.js";
import { SIGNATURE_TOLERANCE_MS } from "./http/webhookAuth.js";
import { parseWebhookSecret, type WebhookSecret } from "./http/webhookSecret.js";

/**
 * The one place that reads `process.env`. Every variable, its default and its limits are here
 * and in the README's configuration table; nothing else in the server looks at the environment.
 */

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z
  .enum(["0", "1", "true", "false", ""])
  .transform((v) => v === "1" || v === "true");
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const KIB = 1024;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const webhookSecret = optionalString.transform((value, ctx): WebhookSecret | undefined => {
  if (value === undefined) return undefined;
  try {
    return parseWebhookSecret(value);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
    return z.NEVER;
  }
});

/** An http(s) URL that is nothing but an origin (a trailing "/" is allowed). */
function isOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === "https:" || url.protocol === "http:") && `${url.origin}/` === url.href;
}

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: int(0, 65535).default(3000),
  /** All interfaces by default: a PaaS router reaches the dyno from outside the container. */
  HOST: z.string().min(1).default("0.0.0.0"),
  DATA_DIR: z.string().min(1).default("./data"),
  MONGODB_URI: optionalString.pipe(
    z.string().regex(/^mongodb(\+srv)?:\/\//, "must start with mongodb:// or mongodb+srv://").optional(),
  ),
  ALLOW_EMBEDDED_DB: flag.default(false),
  REDIS_URL: optionalString.pipe(z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://").optional()),
  /** How long start-up waits for Redis before giving up (the process exits 1 rather than serve 503s). */
  REDIS_CONNECT_TIMEOUT_MS: int(1000, 10 * MINUTE).default(30_000),
  SESSION_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  /** Authenticates the webhook receiver: `whsec_` + base64 (Standard Webhooks) or ≥ 32 characters. */
  WEBHOOK_SECRET: webhookSecret,
  /** The secret being rotated out: still accepted, beside WEBHOOK_SECRET, until it is unset. */
  WEBHOOK_SECRET_PREVIOUS: webhookSecret,
  BCRYPT_COST: int(4, 15).default(12),
  /**
   * bcrypt hashes running at once. Each takes a core for tens of milliseconds; left unbounded, a
   * burst of sign-ins takes every core (and libuv's whole thread pool, which file reads and DNS
   * lookups share) from the event loop and with it every socket's live updates. Unset: one fewer
   * than the cores the process may use and than the pool's threads (UV_THREADPOOL_SIZE, default
   * 4), at least 1. The core count does not see a container's CPU quota: set it where that matters.
   */
  BCRYPT_MAX_CONCURRENT: int(1, 64).optional(),
  UV_THREADPOOL_SIZE: int(1, 1024).optional(),
  /** Password checks waiting for a slot; past this, sign-ins are answered 503 at once. */
  BCRYPT_MAX_QUEUED: int(1, 100_000).default(200),
  /**
   * Password checks one client network (an IPv4 address, an IPv6 /64) may have waiting or
   * running; past this, its sign-ins are answered 429 at once. A tenth of the default queue: a
   * flood from one address cannot fill it, and room for an office's burst of sign-ins.
   */
  BCRYPT_MAX_QUEUED_PER_IP: int(1, 100_000).default(20),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * Hops of reverse proxy in front of the app whose X-Forwarded-For/-Proto/-Host are believed (a
   * PaaS router is one). Unset: 1 in production, where the platform's router appends the client's
   * address, and 0 elsewhere, where anyone could forge the headers to dodge the per-IP limits.
   */
  TRUST_PROXY: int(0, 10).optional(),
  /**
   * The origin browsers reach the app at (`https://todo.example.com`): socket URIs and the Origin
   * checks use it instead of the request's Host or X-Forwarded-Host, which a client can forge.
   * Required in production.
   */
  PUBLIC_URL: optionalString.pipe(
    z
      .string()
      .refine(isOrigin, "must be an origin like https://todo.example.com (http or https, no path)")
      .transform((v) => new URL(v).origin)
      .optional(),
  ),
  ALLOWED_ORIGINS: optionalString.transform((v, ctx) => {
    const list = (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    for (const origin of list) {
      if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
        ctx.addIssue({ code: "custom", message: `"${origin}" is not an origin like https://example.com` });
      }
    }
    return list;
  }),
  SESSION_IDLE_TIMEOUT_MS: int(1000, 365 * DAY).default(14 * DAY),
  SESSION_ABSOLUTE_TIMEOUT_MS: int(1000, 365 * DAY).default(30 * DAY),
  SESSION_EXPIRY_CHECK_MS: int(100, DAY).default(MINUTE),
  JSON_BODY_LIMIT_BYTES: int(KIB, 1024 * KIB).default(16 * KIB),
  WEBHOOK_BODY_LIMIT_BYTES: int(KIB, 1024 * KIB).default(64 * KIB),
  LOGIN_THROTTLE_WINDOW_MS: int(1000, DAY).default(15 * MINUTE),
  LOGIN_MAX_FAILURES_PER_EMAIL_IP: int(1, 10_000).default(5),
  LOGIN_MAX_FAILURES_PER_IP: int(1, 100_000).default(50),
  SIGNUP_MAX_PER_IP_PER_HOUR: int(1, 100_000).default(30),
  CHANGE_LOG_LIMIT: int(10, 1_000_000).default(1000),
  /** Todos one user may have: bounds their list, and so what one request over it can cost. */
  TODOS_MAX_PER_USER: int(1, 1_000_000).default(5000),
  /** Writes per second one user may keep up (a person makes a few at most). */
  WRITE_RATE_PER_USER: int(1, 100_000).default(10),
  /** Writes one user may make at once on top of the rate (an offline device's queue, say). */
  WRITE_BURST_PER_USER: int(1, 100_000).default(100),
  PING_INTERVAL_MS: int(100, 50_000).default(25_000),
  SOCKET_TICKET_TTL_MS: int(1000, 10 * MINUTE).default(60_000),
  /** Socket grants per user per ticket lifetime: far above a person's reconnects, a bound on a loop's. */
  SOCKET_TICKETS_PER_USER: int(1, 10_000).default(60),
  SOCKET_MAX_PER_USER: int(1, 10_000).default(20),
  SOCKET_MAX_BUFFERED_BYTES: int(16 * KIB, 256 * 1024 * KIB).default(1024 * KIB),
  SOCKET_MAX_PAYLOAD_BYTES: int(KIB, 16 * 1024 * KIB).default(64 * KIB),
  SOCKET_MAX_INBOUND_PER_SECOND: int(1, 10_000).default(10),
  /**
   * How long a webhook-id is remembered: a redelivery within it is acknowledged, not relayed. At
   * least the ±5 min a signature's timestamp is accepted for, so a captured signed delivery cannot
   * be replayed once its id is forgotten.
   */
  WEBHOOK_IDEMPOTENCY_TTL_MS: int(2 * SIGNATURE_TOLERANCE_MS, 7 * DAY).default(DAY),
  /** Outbound webhook endpoints one user may register. */
  WEBHOOKS_MAX_PER_USER: int(0, 1000).default(10),
  /**
   * Lets outbound webhooks reach loopback, private and other non-public addresses, and use http
   * as well as https (a deployment that delivers inside its own network, and the tests).
   */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: flag.default(false),
  /** The first retry waits up to this long; each later one up to twice the one before (full jitter). */
  WEBHOOK_RETRY_BASE_MS: int(10, HOUR).default(5000),
  /** The longest wait between two attempts, however many failed. */
  WEBHOOK_RETRY_MAX_DELAY_MS: int(10, DAY).default(6 * HOUR),
  /** An endpoint failing for this long (since its first failed attempt) is disabled: about three days. */
  WEBHOOK_GIVE_UP_AFTER_MS: int(100, 30 * DAY).default(3 * DAY),
  /** One delivery attempt, connecting to reading the answer. */
  WEBHOOK_TIMEOUT_MS: int(100, MINUTE).default(10_000),
  /** How much of an endpoint's answer is read and kept (the rest is dropped). */
  WEBHOOK_RESPONSE_MAX_BYTES: int(0, 64 * KIB).default(1024),
  /**
   * How often the deliverer looks for due deliveries without being woken: retries coming due,
   * and changes other instances committed. This instance's own commits wake it at once.
   */
  WEBHOOK_POLL_MS: int(50, 10 * MINUTE).default(5000),
  /** How long the answer to a write sent with an Idempotency-Key is kept for its repeats. */
  IDEMPOTENCY_KEY_TTL_MS: int(MINUTE, 30 * DAY).default(7 * DAY),
  /**
   * Answers kept per user at most (the newest): the web app waits for each answer before its next
   * write, so one per tab is all a client needs, and this bounds what a user can make the server store.
   */
  IDEMPOTENCY_KEYS_MAX_PER_USER: int(1, 100_000).default(100),
  /** How long a write that never finished (its process died) keeps its key claimed. */
  IDEMPOTENCY_LEASE_MS: int(1000, DAY).default(MINUTE),
  SHUTDOWN_TIMEOUT_MS: int(1000, 60_000).default(10_000),
  /** API tokens one user may hold unexpired at once: a native app needs one per install. */
  TOKENS_MAX_PER_USER: int(1, 10_000).default(50),
  /** Outgoing mail (password reset): an `smtp://` or `smtps://` URL with credentials. */
  SMTP_URL: optionalString.pipe(z.string().regex(/^smtps?:\/\//, "must start with smtp:// or smtps://").optional()),
  /** The sender of Tandem's mail. */
  MAIL_FROM: optionalString.pipe(z.string().max(320).default("Tandem <no-reply@localhost>")),
  /** How long an emailed password-reset link works. */
  PASSWORD_RESET_TTL_MS: int(MINUTE, DAY).default(30 * MINUTE),
  /** Reset emails per address per hour (more requests are answered 202 and send nothing). */
  PASSWORD_RESET_MAX_PER_EMAIL_PER_HOUR: int(1, 1000).default(3),
  /** Reset requests per client per hour (then 429). */
  PASSWORD_RESET_MAX_PER_IP_PER_HOUR: int(1, 100_000).default(20),
  /** Where the built SPA lives; empty means "the web workspace's dist folder". */
  WEB_DIST_DIR: optionalString,
  WEB_CONCURRENCY: int(1, 1024).optional(),
});

export type Env = z.infer<typeof EnvSchema>;


export interface Config extends Omit<Env, "BCRYPT_MAX_CONCURRENT" | "UV_THREADPOOL_SIZE" | "TRUST_PROXY"> {
  /** Resolved: the variable, or the default computed from the cores and the thread pool. */
  BCRYPT_MAX_CONCURRENT: number;
  /** Resolved: the variable, or 1 in production and 0 elsewhere. */
  TRUST_PROXY: number;
  production: boolean;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Parses the environment; throws a ConfigError whose message is one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join(".") ?? "environment";
    throw new ConfigError(`invalid ${name}: ${issue?.message ?? "bad value"}`);
  }
  const { UV_THREADPOOL_SIZE, BCRYPT_MAX_CONCURRENT, TRUST_PROXY, ...values } = parsed.data;
  const production = parsed.data.NODE_ENV === "production";
  const config: Config = {
    ...values,
    BCRYPT_MAX_CONCURRENT: BCRYPT_MAX_CONCURRENT ?? Math.max(1, Math.min(usableCores(), UV_THREADPOOL_SIZE ?? 4) - 1),
    TRUST_PROXY: TRUST_PROXY ?? (production ? 1 : 0),
    production,
  };

  if (config.production) {
    if (!config.SESSION_SECRET) {
      throw new ConfigError("SESSION_SECRET is required when NODE_ENV=production (at least 32 random characters)");
    }
    if (!config.PUBLIC_URL) {
      // Behind a router, the request's Host and X-Forwarded-Host are whatever the client sent.
      throw new ConfigError("PUBLIC_URL is required when NODE_ENV=production: the origin browsers use, like https://todo.example.com");
    }
    if (config.BCRYPT_COST < 10) {
      throw new ConfigError(`invalid BCRYPT_COST: must be at least 10 when NODE_ENV=production (got ${config.BCRYPT_COST})`);
    }
    if (!config.MONGODB_URI && !config.ALLOW_EMBEDDED_DB) {
      // A PaaS disk is ephemeral and shared by no other instance: SQLite there loses data on every deploy.
      throw new ConfigError(
        "MONGODB_URI is not set: in production the embedded SQLite store would lose data on every restart; set MONGODB_URI (or ALLOW_EMBEDDED_DB=1 to accept that)",
      );
    }
  }
  if (config.WEBHOOK_SECRET_PREVIOUS && !config.WEBHOOK_SECRET) {
    throw new ConfigError("invalid WEBHOOK_SECRET_PREVIOUS: set it only beside WEBHOOK_SECRET, the secret that replaces it");
  }
  if (config.SESSION_ABSOLUTE_TIMEOUT_MS < config.SESSION_IDLE_TIMEOUT_MS) {
    throw new ConfigError("invalid SESSION_ABSOLUTE_TIMEOUT_MS: must not be shorter than SESSION_IDLE_TIMEOUT_MS");
  }
  return config;
}
