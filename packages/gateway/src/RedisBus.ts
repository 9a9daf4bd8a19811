import { Redis, type RedisOptions } from "ioredis";
import type { Bus, BusMessage } from "./Bus.js";
import { parseBusMessage } from "./Bus.js";
import { silentLogger, type Logger } from "./Logger.js";
import { Listeners } from "./Listeners.js";

/** One channel for every instance: a message names its receivers, so there is nothing to shard. */
export const DEFAULT_REDIS_CHANNEL = "tandem:gateway";

/**
 * Reconnect backoff ceiling. While Redis is down every socket of this instance is closed and
 * upgrades are refused, so coming back quickly matters more than sparing a recovering Redis a
 * few connection attempts a second.
 */
export const DEFAULT_REDIS_MAX_RETRY_DELAY_MS = 2_000;

/**
 * How long a PUBLISH or PING may take before it fails. A Redis that accepts connections but does
 * not answer is down for our purposes; waiting longer only delays the readiness probe's verdict.
 */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 2_000;

export interface RedisBusOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  readonly url: string;
  /** Default {@link DEFAULT_REDIS_CHANNEL}. Instances must agree on it to hear each other. */
  readonly channel?: string;
  /** Default {@link DEFAULT_REDIS_MAX_RETRY_DELAY_MS}. */
  readonly maxRetryDelayMs?: number;
  /** Default {@link DEFAULT_REDIS_COMMAND_TIMEOUT_MS}. */
  readonly commandTimeoutMs?: number;
  readonly logger?: Logger;
}

/**
 * The bus of a multi-instance deployment: Redis pub/sub on one channel, JSON messages.
 *
 * Two connections, because a connection in subscriber mode cannot PUBLISH. Both have the offline
 * queue disabled so that a down Redis fails fast instead of buffering messages to replay much
 * later (by then the receivers have reconnected and caught up, so a replay would only duplicate).
 * The bus is `healthy` only while the publisher is ready AND the subscriber has confirmed its
 * SUBSCRIBE on the current connection: before that confirmation, messages from other instances
 * would be missed without anyone knowing.
 */
export class RedisBus implements Bus {
  readonly kind = "redis";
  readonly channel: string;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #logger: Logger;
  readonly #handlers = new Listeners<BusMessage>();
  readonly #listeners = new Listeners<boolean>();
  #publisherReady = false;
  #subscribed = false;
  /** Counts subscriber connections, so a SUBSCRIBE confirmed on a dead connection is ignored. */
  #subscriberEpoch = 0;
  #healthy = false;
  #closed = false;

  /** Connects at once (in the background); `healthy` and `onStateChange` say when it is up. */
  constructor(options: RedisBusOptions) {
    this.channel = options.channel ?? DEFAULT_REDIS_CHANNEL;
    this.#logger = options.logger ?? silentLogger;
    const maxDelay = options.maxRetryDelayMs ?? DEFAULT_REDIS_MAX_RETRY_DELAY_MS;
    const common: RedisOptions = {
      enableOfflineQueue: false,
      // Never give up: an instance without its bus is useless, and the gateway already refuses
      // sockets meanwhile. Exponential from 50 ms, capped.
      retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 16), maxDelay),
      commandTimeout: options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
      // A PUBLISH that was in flight when the connection dropped is stale by the time it could be
      // resent: its receivers were closed and will catch up from storage.
      autoResendUnfulfilledCommands: false,
      // We resubscribe ourselves on every "ready", so we know when the subscription is live again.
      autoResubscribe: false,
    };
    this.#publisher = new Redis(options.url, { ...common, connectionName: "tandem-gateway-pub" });
    this.#subscriber = new Redis(options.url, { ...common, connectionName: "tandem-gateway-sub" });

    this.#publisher.on("ready", () => {
      this.#publisherReady = true;
      this.#update();
    });
    for (const event of ["close", "end"] as const) {
      this.#publisher.on(event, () => {
        this.#publisherReady = false;
        this.#update();
      });
      this.#subscriber.on(event, () => {
        this.#subscriberEpoch += 1;
        this.#subscribed = false;
        this.#update();
      });
    }
    this.#subscriber.on("ready", () => this.#subscribe());
    this.#subscriber.on("message", (channel: string, text: string) => this.#receive(channel, text));
    // ioredis emits "error" on every failed connection attempt; the state changes are what
    // matter (and are logged), so errors are only worth a debug line. Without a listener,
    // ioredis would print them to the console.
    const onError = (role: string) => (err: Error) => this.#logger.debug({ err, role }, "redis bus connection error");
    this.#publisher.on("error", onError("publisher"));
    this.#subscriber.on("error", onError("subscriber"));
  }

  get healthy(): boolean {
    return this.#healthy;
  }

  publish(message: BusMessage): void {
    if (this.#closed) return;
    if (!this.#publisherReady) {
      this.#logger.debug({ type: message.type }, "redis bus down, message dropped");
      return;
    }
    this.#publisher.publish(this.channel, JSON.stringify(message)).catch((err: unknown) => {
      this.#logger.warn({ err, type: message.type }, "redis bus publish failed, message dropped");
    });
  }

  subscribe(handler: (message: BusMessage) => void): () => void {
    return this.#handlers.add(handler);
  }

  onStateChange(listener: (healthy: boolean) => void): () => void {
    return this.#listeners.add(listener);
  }

  async ping(): Promise<void> {
    if (!this.#healthy) throw new Error("redis bus is not connected");
    await this.#publisher.ping();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#handlers.clear();
    await Promise.all([quit(this.#publisher), quit(this.#subscriber)]);
    this.#publisherReady = false;
    this.#subscribed = false;
    this.#update();
    this.#listeners.clear();
  }

  #subscribe(): void {
    const epoch = ++this.#subscriberEpoch;
    this.#subscriber.subscribe(this.channel).then(
      () => {
        if (epoch !== this.#subscriberEpoch || this.#closed) return;
        this.#subscribed = true;
        this.#update();
      },
      (err: unknown) => {
        // The connection dropped mid-SUBSCRIBE; the next "ready" tries again.
        this.#logger.debug({ err }, "redis bus subscribe failed");
      },
    );
  }

  #receive(channel: string, text: string): void {
    if (channel !== this.channel) return;
    const message = parseBusMessage(text);
    if (message === undefined) {
      this.#logger.warn({ channel, bytes: text.length }, "redis bus: malformed message dropped");
      return;
    }
    this.#handlers.emit(message);
  }

  #update(): void {
    const healthy = !this.#closed && this.#publisherReady && this.#subscribed;
    if (healthy === this.#healthy) return;
    this.#healthy = healthy;
    if (healthy) this.#logger.info({ channel: this.channel }, "redis bus healthy");
    else if (!this.#closed) this.#logger.warn({ channel: this.channel }, "redis bus unhealthy");
    this.#listeners.emit(healthy);
  }
}

/** QUIT when connected (lets pending replies drain); otherwise just stop reconnecting. */
async function quit(redis: Redis): Promise<void> {
  if (redis.status !== "ready") {
    redis.disconnect();
    return;
  }
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
