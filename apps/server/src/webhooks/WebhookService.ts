import { randomUUID } from "node:crypto";
import type { CreateWebhookBody, CreateWebhookResponse, Webhook, WebhookAttempt } from "@tandem/protocol";
import { AppError } from "../errors.js";
import type { WebhookEndpointRecord, WebhookStorage } from "../store/WebhookStorage.js";
import { newWebhookSecret, webhookEventId } from "./signing.js";
import { AddressRefused, resolveTarget, type Resolve } from "./targetAddress.js";

export interface WebhookServiceOptions {
  /** WEBHOOKS_MAX_PER_USER. */
  maxPerUser: number;
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: http and non-public addresses allowed. */
  allowPrivate: boolean;
  /** How many recent attempts `deliveries` lists. */
  attemptsListed: number;
  resolve?: Resolve;
}

const noSuchWebhook = () => new AppError("not_found", "no such webhook");

/**
 * The outbound webhooks' use cases: a user registers, lists, deletes and re-enables their own
 * endpoints (another user's are simply not found) and reads their recent attempts. Delivery
 * itself is the deliverer's (WebhookDeliverer.ts).
 */
export class WebhookService {
  readonly #storage: WebhookStorage;
  readonly #options: WebhookServiceOptions;

  constructor(storage: WebhookStorage, options: WebhookServiceOptions) {
    this.#storage = storage;
    this.#options = options;
  }

  /**
   * @throws AppError `validation_failed` for a URL that is not https (or http where allowed), or whose host is not public
   * @throws AppError `limit_reached` when the user already has `maxPerUser` endpoints
   */
  async create(userId: string, body: CreateWebhookBody): Promise<CreateWebhookResponse> {
    const url = await this.#checkUrl(body.url);
    const endpoint = { id: randomUUID(), userId, url, description: body.description ?? "", secret: newWebhookSecret(), createdAt: new Date().toISOString() };
    if (!(await this.#storage.create(endpoint, this.#options.maxPerUser))) {
      throw new AppError("limit_reached", `you have ${this.#options.maxPerUser} webhooks, the most allowed; delete one to add another`);
    }
    const { id, description, secret, createdAt } = endpoint;
    return { id, url, description, secret, createdAt };
  }

  async list(userId: string): Promise<Webhook[]> {
    return (await this.#storage.list(userId)).map(toWebhook);
  }

  async remove(userId: string, id: string): Promise<void> {
    if (!(await this.#storage.delete(userId, id))) throw noSuchWebhook();
  }

  async enable(userId: string, id: string): Promise<void> {
    if (!(await this.#storage.enable(userId, id))) throw noSuchWebhook();
  }

  async deliveries(userId: string, id: string): Promise<WebhookAttempt[]> {
    const attempts = await this.#storage.attempts(userId, id, this.#options.attemptsListed);
    if (attempts === null) throw noSuchWebhook();
    return attempts.map((a) => ({ ...a, eventId: webhookEventId(id, a.seq) }));
  }

  /**
   * Checked again at every delivery (the name may resolve elsewhere by then); here, so that an
   * address that can never be reached is refused when it is registered.
   */
  async #checkUrl(raw: string): Promise<string> {
    const refuse = (message: string) => new AppError("validation_failed", message, { details: [{ path: "url", message }] });
    if (!URL.canParse(raw)) throw refuse("url is not a valid URL");
    const url = new URL(raw);
    const schemes = this.#options.allowPrivate ? ["https:", "http:"] : ["https:"];
    if (!schemes.includes(url.protocol)) throw refuse(this.#options.allowPrivate ? "url must be http or https" : "url must be https");
    if (url.username !== "" || url.password !== "") throw refuse("url must not contain a user name or password");
    try {
      await resolveTarget(url.hostname, this.#options.allowPrivate, this.#options.resolve);
    } catch (err) {
      if (err instanceof AddressRefused) throw refuse(`url is refused: ${err.message}`);
      throw refuse(`url's host ${url.hostname} could not be resolved`);
    }
    return url.href;
  }
}

function toWebhook(record: WebhookEndpointRecord): Webhook {
  return {
    id: record.id,
    url: record.url,
    description: record.description,
    createdAt: record.createdAt,
    disabled: record.disabledAt === null ? null : { at: record.disabledAt, reason: record.disabledReason ?? "disabled" },
    lastDelivery: record.lastAttemptAt === null ? null : { status: record.lastStatus, error: record.lastError, at: record.lastAttemptAt },
    failingSince: record.failingSince,
  };
}
