import { Router } from "express";
import { CreateWebhookBody, type CreateWebhookResponse, type WebhookDeliveriesResponse, type WebhookListResponse } from "@tandem/protocol";
import { principalOf, requireAuth } from "../http/authenticate.js";
import { parse } from "../http/validate.js";
import type { WebhookService } from "../webhooks/WebhookService.js";

/** `/api/webhooks…`: a signed-in user's outbound webhook endpoints (docs/api.md). */
export function webhookRoutes(webhooks: WebhookService): Router {
  const router = Router();
  router.use(requireAuth);

  router.post("/", async (req, res) => {
    const body = parse(CreateWebhookBody, req.body);
    res.status(201).json((await webhooks.create(principalOf(req).user.id, body)) satisfies CreateWebhookResponse);
  });

  router.get("/", async (req, res) => {
    res.json({ webhooks: await webhooks.list(principalOf(req).user.id) } satisfies WebhookListResponse);
  });

  router.delete("/:id", async (req, res) => {
    await webhooks.remove(principalOf(req).user.id, req.params.id as string);
    res.status(204).end();
  });

  router.get("/:id/deliveries", async (req, res) => {
    res.json({ deliveries: await webhooks.deliveries(principalOf(req).user.id, req.params.id as string) } satisfies WebhookDeliveriesResponse);
  });

  router.post("/:id/enable", async (req, res) => {
    await webhooks.enable(principalOf(req).user.id, req.params.id as string);
    res.status(204).end();
  });

  return router;
}
