import {
  CreateWebhookResponse,
  WebhookDeliveriesResponse,
  WebhookListResponse,
  type CreateWebhookBody,
  type Webhook,
  type WebhookAttempt,
} from "@tandem/protocol";
import type { HttpClient } from "./http";

/** The signed-in user's outbound webhook endpoints (docs/api.md, "Outbound webhooks"). */
export interface WebhooksApi {
  list(): Promise<Webhook[]>;
  /** The answer holds the endpoint's signing secret: the only time it is shown. */
  create(body: CreateWebhookBody): Promise<CreateWebhookResponse>;
  remove(id: string): Promise<void>;
  /** A disabled endpoint receives the changes made from now on. */
  enable(id: string): Promise<void>;
  deliveries(id: string): Promise<WebhookAttempt[]>;
}

export function createWebhooksApi(http: HttpClient): WebhooksApi {
  const one = (id: string) => `/api/webhooks/${encodeURIComponent(id)}`;
  return {
    list: async () => (await http.json("GET", "/api/webhooks", WebhookListResponse)).webhooks,
    create: (body) => http.json("POST", "/api/webhooks", CreateWebhookResponse, body),
    remove: (id) => http.empty("DELETE", one(id)),
    enable: (id) => http.empty("POST", `${one(id)}/enable`),
    deliveries: async (id) => (await http.json("GET", `${one(id)}/deliveries`, WebhookDeliveriesResponse)).deliveries,
  };
}
