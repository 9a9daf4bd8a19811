import { expectNoSeriousA11yViolations } from "./axe.js";
import { addTodo, editMeetsChangeElsewhere, expect, expectKeptList, expectSettled, item, openAccount, PASSWORD, pendingCount, signUp, test, twoDevices } from "./fixtures.js";

/**
 * axe-core over every screen, in the states a person meets (issue 19: WCAG 2.2 AA). Fails on
 * any serious or critical violation. Desktop and phone widths both: contrast and layout differ.
 */

// The slowest file of the suite (whole-page scans): its tests share both workers instead of one.
test.describe.configure({ mode: "parallel" });

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test.describe(`at ${viewport.width} px`, () => {
    test.use({ viewport });
    // Each scan of a whole page takes seconds on a busy 2-core machine, and these make several.
    test.slow();

    test("sign-in and sign-up, empty and with errors", async ({ page }) => {
      await page.goto("/");
      await expect(page.getByTestId("signin-form")).toBeVisible();
      await expectNoSeriousA11yViolations(page, "sign-in");
      await page.getByTestId("signin-form").getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByTestId("signin-email-error")).toBeVisible();
      await expectNoSeriousA11yViolations(page, "sign-in with errors");

      await page.getByTestId("show-signup").click();
      await expect(page.getByTestId("signup-form")).toBeVisible();
      await expectNoSeriousA11yViolations(page, "sign-up");
      await page.getByTestId("signup-form").getByLabel("Password").fill("password");
      await page.getByTestId("signup-form").getByLabel("Email").fill("someone@example.com");
      await page.getByTestId("signup-form").getByRole("button", { name: "Sign up" }).click();
      await expect(page.getByTestId("signup-password-error")).toBeVisible();
      await expectNoSeriousA11yViolations(page, "sign-up with a refused password");
    });

    test("the list: empty, active, completed, editing, the undo notice, and a refused write", async ({ page }) => {
      await signUp(page);
      await expectNoSeriousA11yViolations(page, "empty list");
      for (const text of ["active todo", "completed todo", "to delete"]) await addTodo(page, text);
      await item(page, "completed todo").locator(".toggle").check();
      await expectSettled(page);
      await expectNoSeriousA11yViolations(page, "list with active and completed todos");

      await item(page, "active todo").getByTestId("todo-title").dblclick();
      await expect(page.locator(".edit")).toBeFocused();
      await expectNoSeriousA11yViolations(page, "list while editing");
      await page.locator(".edit").press("Escape");

      await item(page, "to delete").hover();
      await item(page, "to delete").locator(".destroy").click();
      await expect(page.getByTestId("undo-notice")).toBeVisible();
      await expectNoSeriousA11yViolations(page, "list with the undo notice");

      // A write the server refuses: the list rolls it back and the failed-writes panel says why.
      await page.route("**/api/todos/*", (route) =>
        route.request().method() === "PATCH"
          ? route.fulfill({ status: 400, json: { error: { code: "validation_failed", message: "the request body is not valid" } } })
          : route.fallback(),
      );
      // click, not check: the refusal may roll the box back before check() could see it ticked.
      await item(page, "active todo").locator(".toggle").click();
      await expect(page.getByTestId("failed-write")).toHaveAttribute("data-code", "validation_failed");
      await expectNoSeriousA11yViolations(page, "list with a refused write");
    });

    test("an edit meeting a change from another device, and the conflict it leaves", async ({ page, newDevice }) => {
      const { a, b } = await twoDevices(page, newDevice);
      await editMeetsChangeElsewhere(a, b);
      await expectNoSeriousA11yViolations(a, "list while editing an item changed elsewhere");
      await a.locator(".edit").press("Enter");
      await expect(a.getByTestId("failed-write")).toHaveAttribute("data-code", "conflict");
      await expectNoSeriousA11yViolations(a, "list with a conflicting edit");
    });

    test("the account page: roster, a new token, a refused form, the delete confirmation", async ({ page }) => {
      await signUp(page);
      await openAccount(page);
      await expectNoSeriousA11yViolations(page, "account");

      const tokenForm = page.getByTestId("create-token-form");
      await tokenForm.getByLabel("Token name").fill("Phone app");
      await tokenForm.getByLabel("Expires after (days)").fill("30");
      await tokenForm.getByLabel("Your password").fill(PASSWORD);
      await tokenForm.getByRole("button", { name: "Create token" }).click();
      await expect(page.getByTestId("token-secret")).toBeVisible();
      await expectNoSeriousA11yViolations(page, "account with a new token's secret");
      await page.getByRole("button", { name: "Done" }).click();

      const passwordForm = page.getByTestId("change-password-form");
      await passwordForm.getByLabel("Current password").fill("not my password");
      await passwordForm.getByLabel("New password").fill("a brand new passphrase");
      await passwordForm.getByRole("button", { name: "Change password" }).click();
      await expect(passwordForm.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
      const webhookForm = page.getByTestId("create-webhook-form");
      await webhookForm.getByLabel("Payload URL").fill("ftp://example.com/hook");
      await webhookForm.getByRole("button", { name: "Add webhook" }).click();
      await expect(webhookForm.getByTestId("webhook-url-error")).toBeVisible();
      await expectNoSeriousA11yViolations(page, "account with refused forms");
    });

    test("forgot password, link sent, and the reset page with a refused link", async ({ page }) => {
      await page.goto("/");
      await page.getByTestId("forgot-password").click();
      const form = page.getByTestId("forgot-password-form");
      await expect(form).toBeVisible();
      await expectNoSeriousA11yViolations(page, "forgot password");
      await form.getByLabel("Email").fill("someone@example.com");
      await form.getByRole("button", { name: "Send reset link" }).click();
      await expect(page.getByTestId("reset-requested")).toBeVisible();
      await expectNoSeriousA11yViolations(page, "reset link requested");

      await page.goto("/reset-password?token=not-a-real-token");
      const reset = page.getByTestId("reset-password-form");
      await expect(reset).toBeVisible();
      await expectNoSeriousA11yViolations(page, "reset password");
      await reset.getByLabel("New password").fill("remembered at last");
      await reset.getByRole("button", { name: "Set new password" }).click();
      await expect(page.getByTestId("auth-error")).toBeVisible();
      await expectNoSeriousA11yViolations(page, "reset password with a refused link");
    });

    test("offline with changes waiting, and the server unreachable at load, with and without a kept list", async ({ page }) => {
      await signUp(page);
      await addTodo(page, "saved");
      await expectSettled(page);
      await page.context().setOffline(true);
      await addTodo(page, "waiting");
      await expect(pendingCount(page)).toHaveText("1 change waiting to sync");
      await expect(page.getByTestId("outage")).toBeVisible();
      await expectNoSeriousA11yViolations(page, "offline list with a pending change");
      await page.context().setOffline(false);
      await expectSettled(page);
      // The list is kept a moment after its last change: the reload must find it kept.
      await expectKeptList(page, ["saved", "waiting"]);

      await page.route("**/api/**", (route) => route.abort());
      await page.reload();
      await expect(page.getByTestId("cached-list")).toBeVisible();
      await expectNoSeriousA11yViolations(page, "kept list, server unreachable");

      // A browser that kept no list for anyone meets the unreachable screen instead.
      await page.evaluate(() => localStorage.removeItem("tandem.lastUser"));
      await page.reload();
      await expect(page.getByTestId("unreachable")).toBeVisible();
      await expectNoSeriousA11yViolations(page, "server unreachable");
    });
  });
}
