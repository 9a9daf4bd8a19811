import { expectNoSeriousA11yViolations } from "./axe.js";
import { addTodo, expect, expectSettled, item, pendingCount, signUp, test } from "./fixtures.js";

/**
 * axe-core over every screen, in the states a person meets (issue 19: WCAG 2.2 AA). Fails on
 * any serious or critical violation. Desktop and phone widths both: contrast and layout differ.
 */

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

      // A write the server refuses: the list rolls it back and an error toast says why.
      await page.route("**/api/todos/*", (route) =>
        route.request().method() === "PATCH"
          ? route.fulfill({ status: 400, json: { error: { code: "validation_failed", message: "the request body is not valid" } } })
          : route.fallback(),
      );
      // click, not check: the refusal may roll the box back before check() could see it ticked.
      await item(page, "active todo").locator(".toggle").click();
      await expect(page.getByTestId("toast")).toBeVisible();
      await expectNoSeriousA11yViolations(page, "list with an error toast");
    });

    test("offline with changes waiting, and the server unreachable at load", async ({ page }) => {
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

      await page.route("**/api/auth/me", (route) => route.abort());
      await page.reload();
      await expect(page.getByTestId("unreachable")).toBeVisible();
      await expectNoSeriousA11yViolations(page, "server unreachable");
    });
  });
}
