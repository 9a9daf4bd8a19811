import { expect, PASSWORD, signUp, test, uniqueEmail } from "./fixtures.js";

/** The sign-in and sign-up screens' messages (issue 19): each said once, in plain words. */

/** The fixture allows this many failed sign-ins per email and client (LOGIN_MAX_FAILURES_PER_EMAIL_IP). */
const FAILURES_ALLOWED = 100;

test("the sign-in lock-out is said once, in minutes", async ({ page }) => {
  const email = await signUp(page);
  await page.getByTestId("signout").click();
  await expect(page.getByTestId("signin-form")).toBeVisible();

  // Use up the allowance from this browser, as a guesser would, then try once more in the form.
  const statuses = await page.evaluate(
    async ({ email, count }) => {
      const seen: number[] = [];
      for (let i = 0; i < count; i++) {
        const res = await fetch("/api/auth/login", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email, password: `wrong guess ${i}` }),
        });
        seen.push(res.status);
      }
      return [...new Set(seen)];
    },
    { email, count: FAILURES_ALLOWED },
  );
  expect(statuses).toEqual([401]);

  const form = page.getByTestId("signin-form");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(PASSWORD);
  await form.getByRole("button", { name: "Sign in" }).click();
  const alert = page.getByTestId("auth-error");
  await expect(alert).toHaveText(/^Too many attempts, try again in 1[45] minutes$/);
  await expect(alert).not.toHaveText(/\d+ s\b/);
});

test("a taken email is reported once, under the email field", async ({ page }) => {
  const email = await signUp(page);
  await page.getByTestId("signout").click();
  await page.getByTestId("show-signup").click();
  const form = page.getByTestId("signup-form");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill("another good password");
  await form.getByRole("button", { name: "Sign up" }).click();

  await expect(page.getByTestId("signup-email-error")).toHaveText("An account with this email already exists");
  await expect(form.getByLabel("Email")).toBeFocused();
  await expect(page.getByTestId("auth-error")).toHaveCount(0);
  await expect(page.getByText(/already exists/i)).toHaveCount(1);
});

test("sign-up refuses a common password and the account's own email, saying why", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("show-signup").click();
  const form = page.getByTestId("signup-form");
  const email = uniqueEmail();
  await form.getByLabel("Email").fill(email);
  await expect(form.getByText("At least 8 characters.", { exact: false })).toBeVisible();

  await form.getByLabel("Password").fill("12345678");
  await form.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByTestId("signup-password-error")).toHaveText(/one of the most common passwords/);
  await expect(form.getByLabel("Password")).toBeFocused();

  await form.getByLabel("Password").fill(email);
  await form.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByTestId("signup-password-error")).toHaveText("Password must not be your email address");

  await form.getByLabel("Password").fill(PASSWORD);
  await form.getByRole("button", { name: "Sign up" }).click();
  await expect(page.locator(".new-todo")).toBeVisible();
});

test("the product's name is on the sign-in screen and in the list's header", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Tandem");
  await signUp(page);
  await expect(page.getByRole("banner")).toContainText("Tandem");
  // TodoMVC's contract keeps the list's own heading.
  await expect(page.locator(".todoapp h1")).toHaveText("todos");
});
