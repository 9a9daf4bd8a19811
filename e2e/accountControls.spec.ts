import { readFileSync } from "node:fs";
import { AccountExport } from "@tandem/protocol";
import { addTodo, deviceRows, expect, expectSettled, openAccount, PASSWORD, signUp, test } from "./fixtures.js";

test("an API token: created with a lifetime, its secret shown once and copied, listed, then revoked", async ({ page, request }) => {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await signUp(page);
  await openAccount(page);
  const form = page.getByTestId("create-token-form");
  await form.getByLabel("Token name").fill("Phone app");
  await form.getByLabel("Expires after (days)").fill("30");
  await form.getByLabel("Your password").fill(PASSWORD);
  await form.getByRole("button", { name: "Create token" }).click();

  const secret = await page.getByTestId("token-secret").inputValue();
  expect(secret.length).toBeGreaterThan(20);
  await page.getByTestId("copy-token").click();
  await expect(page.getByTestId("new-token")).toContainText("Copied to the clipboard.");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  // The token works, and shows in both lists: the tokens and the roster.
  const asToken = { headers: { Authorization: `Bearer ${secret}` } };
  expect((await request.get("/api/todos", asToken)).status()).toBe(200);
  const row = page.getByTestId("token").filter({ hasText: "Phone app" });
  const expires = new Date(Date.now() + 30 * 24 * 3600_000).toLocaleDateString("en", { dateStyle: "medium" });
  await expect(row).toContainText(`Expires ${expires}`);
  await expect(deviceRows(page).filter({ hasText: "Phone app" })).toHaveCount(1);

  // Once dismissed, the secret is nowhere on the page.
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("token-secret")).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);

  await row.getByRole("button", { name: "Revoke Phone app" }).click();
  await expect(row).toHaveCount(0);
  await expect(deviceRows(page).filter({ hasText: "Phone app" })).toHaveCount(0);
  expect((await request.get("/api/todos", asToken)).status()).toBe(401);
});

test("renaming this device from the keyboard, and a wrong password refused in place", async ({ page }) => {
  await signUp(page);
  await openAccount(page);
  const mine = page.locator('[data-testid="device"][data-current="true"]');
  await mine.getByRole("button", { name: /^Rename / }).focus();
  await page.keyboard.press("Enter");
  const input = mine.getByRole("textbox");
  await expect(input).toBeFocused();
  await input.fill("Work laptop");
  await page.keyboard.press("Escape");
  await expect(mine.getByTestId("device-name")).not.toHaveText("Work laptop");
  await expect(mine.getByRole("button", { name: /^Rename / })).toBeFocused();

  await page.keyboard.press("Enter");
  await mine.getByRole("textbox").fill("Work laptop");
  await page.keyboard.press("Enter");
  await expect(mine.getByTestId("device-name")).toHaveText("Work laptop");
  await expect(mine.getByRole("button", { name: "Rename Work laptop" })).toBeFocused();

  const form = page.getByTestId("change-password-form");
  await form.getByLabel("Current password").fill("not my password");
  await form.getByLabel("New password").fill("a brand new passphrase");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByText("That is not your password.")).toBeVisible();
  await expect(form.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
});

test("exporting downloads a JSON file of the account, its devices and its todos", async ({ page }) => {
  const email = await signUp(page);
  await addTodo(page, "to take along");
  await expectSettled(page);
  await openAccount(page);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-data").click()]);
  expect(download.suggestedFilename()).toMatch(/\.json$/);
  const exported = AccountExport.parse(JSON.parse(readFileSync(await download.path(), "utf8")));
  expect(exported.account.email).toBe(email);
  expect(exported.todos.map((todo) => todo.text)).toEqual(["to take along"]);
  expect(exported.devices).toHaveLength(1);
});
