import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateWebhookResponse, ErrorBody, WebhookDeliveriesResponse, WebhookListResponse } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";

/** WEBHOOK_ALLOW_PRIVATE_TARGETS is off here, as in production: https to public addresses only. */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ WEBHOOKS_MAX_PER_USER: "2" });
});
afterAll(() => t.close());

async function signedIn() {
  const c = t.client();
  const user = await c.signup(uniqueEmail());
  return { c, userId: user.id };
}

/** A public address literal: registering it needs no DNS, and nothing here ever delivers to it (no changes are made). */
const PUBLIC_URL = "https://93.184.216.34/hooks/tandem";

describe("/api/webhooks", () => {
  it("creates an endpoint (its whsec_ secret shown once), lists it without the secret, and deletes it", async () => {
    const { c } = await signedIn();
    const created = await c.post("/api/webhooks", { url: PUBLIC_URL, description: " my app " });
    expect(created.status).toBe(201);
    const hook = CreateWebhookResponse.parse(created.body);
    expect(hook).toMatchObject({ url: PUBLIC_URL, description: "my app" });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{44}$/);
    const listed = await c.get("/api/webhooks");
    expect(listed.status).toBe(200);
    expect(WebhookListResponse.parse(listed.body).webhooks).toEqual([
      { id: hook.id, url: PUBLIC_URL, description: "my app", createdAt: hook.createdAt, disabled: null, lastDelivery: null, failingSince: null },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(hook.secret);
    expect(WebhookDeliveriesResponse.parse((await c.get(`/api/webhooks/${hook.id}/deliveries`)).body)).toEqual({ deliveries: [] });
    expect((await c.post(`/api/webhooks/${hook.id}/enable`)).status).toBe(204);
    expect((await c.delete(`/api/webhooks/${hook.id}`)).status).toBe(204);
    expect((await c.delete(`/api/webhooks/${hook.id}`)).status).toBe(404);
    expect(WebhookListResponse.parse((await c.get("/api/webhooks")).body).webhooks).toEqual([]);
  });

  it("keeps each user's endpoints to themselves: another user's id is not found", async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    const hook = CreateWebhookResponse.parse((await alice.c.post("/api/webhooks", { url: PUBLIC_URL })).body);
    expect(WebhookListResponse.parse((await bob.c.get("/api/webhooks")).body).webhooks).toEqual([]);
    for (const res of [
      await bob.c.delete(`/api/webhooks/${hook.id}`),
      await bob.c.get(`/api/webhooks/${hook.id}/deliveries`),
      await bob.c.post(`/api/webhooks/${hook.id}/enable`),
      await bob.c.get(`/api/webhooks/${randomUUID()}/deliveries`),
    ]) {
      expect(res.status).toBe(404);
      expect(ErrorBody.parse(res.body).error.code).toBe("not_found");
    }
    expect(WebhookListResponse.parse((await alice.c.get("/api/webhooks")).body).webhooks).toHaveLength(1);
  });

  it("refuses a third endpoint over WEBHOOKS_MAX_PER_USER with 409 limit_reached", async () => {
    const { c } = await signedIn();
    expect((await c.post("/api/webhooks", { url: PUBLIC_URL })).status).toBe(201);
    expect((await c.post("/api/webhooks", { url: `${PUBLIC_URL}/2` })).status).toBe(201);
    const over = await c.post("/api/webhooks", { url: `${PUBLIC_URL}/3` });
    expect(over.status).toBe(409);
    expect(ErrorBody.parse(over.body).error).toMatchObject({ code: "limit_reached" });
    expect(ErrorBody.parse(over.body).error.message).toContain("2");
    expect(WebhookListResponse.parse((await c.get("/api/webhooks")).body).webhooks).toHaveLength(2);
  });

  it("needs a signed-in user", async () => {
    const res = await t.client().get("/api/webhooks");
    expect(res.status).toBe(401);
  });

  it.each([
    [{}, "url"],
    [{ url: "" }, "url"],
    [{ url: "not a url" }, "not a valid URL"],
    [{ url: "ftp://93.184.216.34/" }, "must be https"],
    [{ url: "http://93.184.216.34/" }, "must be https"],
    [{ url: "https://user:pw@93.184.216.34/" }, "user name or password"],
    [{ url: PUBLIC_URL, extra: 1 }, "extra"],
    [{ url: PUBLIC_URL, description: "d".repeat(201) }, "description"],
  ])("refuses %j with 400 validation_failed", async (body, says) => {
    const { c } = await signedIn();
    const res = await c.post("/api/webhooks", body);
    expect(res.status).toBe(400);
    const { error } = ErrorBody.parse(res.body);
    expect(error.code).toBe("validation_failed");
    expect(JSON.stringify(error)).toContain(says);
    expect(WebhookListResponse.parse((await c.get("/api/webhooks")).body).webhooks).toEqual([]);
  });

  it.each([
    "https://127.0.0.1/hook",
    "https://localhost/hook",
    "https://[::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://10.0.0.8/hook",
    "https://192.168.1.20/hook",
    "https://169.254.169.254/latest/meta-data",
    "https://100.64.1.1/hook",
    "https://[fd00::1]/hook",
    "https://[fe80::1]/hook",
    "https://0.0.0.0/hook",
    "https://224.0.0.1/hook",
  ])("refuses %s: its host is not a public address (SSRF)", async (url) => {
    const { c } = await signedIn();
    const res = await c.post("/api/webhooks", { url });
    expect(res.status).toBe(400);
    const { error } = ErrorBody.parse(res.body);
    expect(error.code).toBe("validation_failed");
    expect(error.message).toMatch(/not a public address/);
    expect(WebhookListResponse.parse((await c.get("/api/webhooks")).body).webhooks).toEqual([]);
  });
});
