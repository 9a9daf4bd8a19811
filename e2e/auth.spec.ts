import type { Page } from "@playwright/test";
import { addTodo, expect, labels, PASSWORD, signIn, signUp, test, uniqueEmail } from "./fixtures.js";

/**
 * Records, from the first script of every page load, whether any part of the todo list was ever
 * in the DOM: "never sees the list" must hold during loading too, not just once it settles.
 */
async function watchForList(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const record = () => {
      if (document.querySelector(".new-todo, .todo-list, .todoapp")) sessionStorage.setItem("e2e.listSeen", "yes");
    };
    new MutationObserver(record).observe(document, { childList: true, subtree: true });
  });
}

const listWasSeen = (page: Page) => page.evaluate(() => sessionStorage.getItem("e2e.listSeen") === "yes");

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Every request the page sends to the auth API, by path. */
function authRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith("/api/auth/")) seen.push(`${request.method()} ${pathname}`);
  });
  return seen;
}

test("sign up, sign out, and sign in again to the same list", async ({ page }) => {
  const email = await signUp(page);
  await expect(page.getByTestId("user-email")).toHaveText(email);
  await addTodo(page, "kept across sessions");
  await expect(page.getByTestId("pending-count")).toHaveAttribute("data-count", "0");

  await page.getByTestId("signout").click();
  await expect(page.getByTestId("signin-form")).toBeVisible();
  await expect(page.locator(".new-todo")).toHaveCount(0);
  await expect(page.getByTestId("user-email")).toHaveCount(0);

  await signIn(page, email);
  await expect(page.getByTestId("user-email")).toHaveText(email);
  await expect(labels(page)).toHaveText(["kept across sessions"]);
});

test("a wrong password shows the server's message and keeps the user out", async ({ page }) => {
  const email = await signUp(page);
  await page.getByTestId("signout").click();

  const form = page.getByTestId("signin-form");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(`${PASSWORD} but wrong`);
  const answer = page.waitForResponse((response) => response.url().endsWith("/api/auth/login"));
  await form.getByRole("button", { name: "Sign in" }).click();

  const response = await answer;
  expect(response.status()).toBe(401);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("invalid_credentials");
  // The form shows the server's own message, as a sentence ("email or…" → "Email or…").
  await expect(page.getByTestId("auth-error")).toHaveText(new RegExp(`^${escapeRegExp(body.error.message)}$`, "i"));
  await expect(page.locator(".new-todo")).toHaveCount(0);

  // The right password still works afterwards.
  await form.getByLabel("Password").fill(PASSWORD);
  await form.getByLabel("Password").press("Enter");
  await expect(page.locator(".new-todo")).toBeVisible();
});

test("a reload keeps the session", async ({ page }) => {
  const email = await signUp(page);
  await addTodo(page, "still here");
  await expect(page.getByTestId("pending-count")).toHaveAttribute("data-count", "0");

  await page.reload();
  await expect(page.getByTestId("user-email")).toHaveText(email);
  await expect(page.getByTestId("connection-status")).toHaveAttribute("data-status", "live");
  await expect(labels(page)).toHaveText(["still here"]);
  await expect(page.getByTestId("signin-form")).toHaveCount(0);
});

test("a signed-out user never sees the list, not even while the page loads", async ({ page, newDevice }) => {
  await signUp(page);
  await addTodo(page, "private");
  await expect(page.getByTestId("pending-count")).toHaveAttribute("data-count", "0");

  // A browser that never signed in.
  const stranger = await newDevice();
  await watchForList(stranger);
  await stranger.goto("/");
  await expect(stranger.getByTestId("signin-form")).toBeVisible();
  expect(await listWasSeen(stranger)).toBe(false);
  await expect(stranger.getByText("private")).toHaveCount(0);

  // The user signs out; a reload then starts from the sign-in form.
  await page.getByTestId("signout").click();
  await expect(page.getByTestId("signin-form")).toBeVisible();
  await expect(page.locator(".new-todo")).toHaveCount(0);
  await expect(page.getByText("private")).toHaveCount(0);
  await watchForList(page);
  await page.reload();
  await expect(page.getByTestId("signin-form")).toBeVisible();
  expect(await listWasSeen(page)).toBe(false);

  // The API agrees: the old cookie no longer reads the list.
  const response = await page.request.get("/api/todos");
  expect(response.status()).toBe(401);
});

test("inline validation shows field errors without sending a request", async ({ page }) => {
  const requests = authRequests(page);
  await page.goto("/");
  await expect(page.getByTestId("signin-form")).toBeVisible();
  await expect.poll(() => requests).toEqual(["GET /api/auth/me"]);

  // Sign in with nothing filled in.
  const signin = page.getByTestId("signin-form");
  await signin.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signin-email-error")).toHaveText("Enter your email address.");
  await expect(page.getByTestId("signin-password-error")).toHaveText("Enter your password.");
  await expect(signin.getByLabel("Email")).toBeFocused();

  // Sign up with a bad email and a short password.
  await page.getByTestId("show-signup").click();
  const signup = page.getByTestId("signup-form");
  await signup.getByLabel("Email").fill("not-an-email");
  await signup.getByLabel("Password").fill("short");
  await signup.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByTestId("signup-email-error")).toHaveText(/not a valid address/i);
  await expect(page.getByTestId("signup-password-error")).toHaveText(/at least 8/i);
  await expect(signup.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");

  // Fixing a field clears its error as the user types.
  await signup.getByLabel("Email").fill(uniqueEmail("fixed"));
  await expect(page.getByTestId("signup-email-error")).toHaveCount(0);
  await expect(page.getByTestId("signup-password-error")).toBeVisible();

  expect(requests).toEqual(["GET /api/auth/me"]);
  await expect(page.locator(".new-todo")).toHaveCount(0);
});
