import { WebhookReceiver } from "../apps/server/test/webhookReceiver.js";
import { addTodo, expect, openAccount, signUp, test } from "./fixtures.js";

test("a webhook is added with its secret shown once, receives each change signed, and is deleted", async ({ page }) => {
  const receiver = await WebhookReceiver.start();
  try {
    await signUp(page);
    await openAccount(page);
    const section = page.getByTestId("webhooks-section");
    await expect(section).toContainText("You have no webhooks.");

    const form = section.getByTestId("create-webhook-form");
    await form.getByLabel("Payload URL").fill(receiver.url("/tandem"));
    await form.getByLabel("Description (optional)").fill("e2e receiver");
    await form.getByRole("button", { name: "Add webhook" }).click();
    const secret = await section.getByTestId("webhook-secret").inputValue();
    expect(secret).toMatch(/^whsec_/);
    await expect(section.getByTestId("webhook-url")).toHaveText(receiver.url("/tandem"));
    await expect(section.getByTestId("webhook-status")).toHaveText("No deliveries yet");
    await section.getByRole("button", { name: "Done" }).click();
    await expect(section.getByTestId("webhook-secret")).toHaveCount(0);

    // A change made on the list reaches the endpoint, signed with that secret.
    await page.goto("/");
    await addTodo(page, "sent by webhook");
    await expect.poll(() => receiver.received.length).toBe(1);
    const [event] = receiver.delivered(secret);
    expect(event).toMatchObject({ type: "change", object: { text: "sent by webhook" }, meta: { eventName: "create", seq: 1 } });

    await openAccount(page);
    await expect(section.getByTestId("webhook-status")).toContainText("Last delivery");
    await expect(section.getByTestId("webhook-status")).toContainText("(HTTP 204)");

    await section.getByTestId("delete-webhook").click();
    await expect(section).toContainText("You have no webhooks.");
  } finally {
    await receiver.close();
  }
});

test("a URL the server refuses says why under the field, and nothing is added", async ({ page }) => {
  await signUp(page);
  await openAccount(page);
  const section = page.getByTestId("webhooks-section");
  const form = section.getByTestId("create-webhook-form");
  await form.getByLabel("Payload URL").fill("ftp://example.com/hook");
  await form.getByRole("button", { name: "Add webhook" }).click();
  await expect(form.getByTestId("webhook-url-error")).toHaveText("url must be http or https");
  await expect(section).toContainText("You have no webhooks.");
});

test("an endpoint that answers 410 is shown disabled with the reason, and can be re-enabled", async ({ page }) => {
  const receiver = await WebhookReceiver.start();
  receiver.answer = () => 410;
  try {
    await signUp(page);
    await openAccount(page);
    const section = page.getByTestId("webhooks-section");
    const form = section.getByTestId("create-webhook-form");
    await form.getByLabel("Payload URL").fill(receiver.url("/gone"));
    await form.getByRole("button", { name: "Add webhook" }).click();
    await section.getByRole("button", { name: "Done" }).click();
    await page.goto("/");
    await addTodo(page, "to a gone endpoint");
    await expect.poll(() => receiver.received.length).toBe(1);

    await openAccount(page);
    await expect(async () => {
      await section.getByTestId("refresh-webhooks").click();
      await expect(section.getByTestId("webhook-status")).toContainText("the endpoint answered 410 Gone", { timeout: 500 });
    }).toPass();
    await section.getByTestId("enable-webhook").click();
    await expect(section.getByTestId("enable-webhook")).toHaveCount(0);
    await expect(section.getByTestId("webhook-status")).not.toContainText("Disabled");
  } finally {
    await receiver.close();
  }
});
