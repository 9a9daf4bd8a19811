import type { Page } from "@playwright/test";
import { expect, PASSWORD, signIn, signUp, test, uniqueEmail } from "./fixtures.js";

const NEW_PASSWORD = "remembered at last";

/** The reset link in a mail's text. */
function resetLink(text: string): string {
  const link = /https?:\/\/\S+\/reset-password\?token=[^\s"<>]+/.exec(text)?.[0];
  if (!link) throw new Error(`no reset link in the mail:\n${text}`);
  return link;
}

async function askForLink(page: Page, email: string): Promise<void> {
  await page.goto("/");
  await page.getByTestId("forgot-password").click();
  const form = page.getByTestId("forgot-password-form");
  await form.getByLabel("Email").fill(email);
  await form.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByTestId("reset-requested")).toContainText(`If an account exists for ${email}`);
}

test("a forgotten password is reset through the emailed link, and every device is signed out", async ({
  page,
  newDevice,
  mailbox,
}) => {
  // Four browser contexts and two sign-ins: longer than one test's usual budget on a busy machine.
  test.slow();
  const email = await signUp(page);
  const elsewhere = await newDevice();
  await signIn(elsewhere, email);
  await page.getByTestId("signout").click();

  await askForLink(page, email);
  const mail = await mailbox.next(email, 0, 10_000);
  const link = resetLink(mail.text);
  // The link opens this app's own page, on this server.
  expect(new URL(link).origin).toBe(new URL(page.url()).origin);

  await page.goto(link);
  const form = page.getByTestId("reset-password-form");
  await form.getByLabel("New password").fill(NEW_PASSWORD);
  await form.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByTestId("reset-done")).toBeVisible();

  // The other device, still signed in with the old password, is signed out at once.
  await expect(elsewhere.getByTestId("signin-form")).toBeVisible();
  await expect(elsewhere.getByTestId("signed-out-message")).toContainText("password was reset");

  await page.getByTestId("back-to-signin").click();
  await signIn(page, email, NEW_PASSWORD);

  // The link works once.
  const again = await newDevice();
  await again.goto(link);
  await again.getByTestId("reset-password-form").getByLabel("New password").fill("yet another password");
  await again.getByRole("button", { name: "Set new password" }).click();
  await expect(again.getByTestId("auth-error")).toContainText("can't be used any more");

  // And the old password no longer signs in.
  const old = await newDevice();
  await old.goto("/");
  const signin = old.getByTestId("signin-form");
  await signin.getByLabel("Email").fill(email);
  await signin.getByLabel("Password").fill(PASSWORD);
  await signin.getByLabel("Password").press("Enter");
  await expect(old.getByTestId("auth-error")).toBeVisible();
});

test("asking for a link for an unknown email looks the same as for a known one", async ({ page }) => {
  await askForLink(page, uniqueEmail("nobody"));
});
