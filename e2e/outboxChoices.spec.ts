import {
  addTodo,
  expect,
  expectSettled,
  expectStillExactly,
  item,
  labels,
  pendingCount,
  signIn,
  test,
  twoDevices,
} from "./fixtures.js";

/**
 * What the person decides about changes the server has not taken: at sign-out (send them first,
 * or discard them), and for a write the server refused (retry it, or discard it).
 */

test("signing out with unsent changes asks: 'send, then sign out' delivers them first", async ({ page, newDevice }) => {
  const { a, b, email } = await twoDevices(page, newDevice);
  await a.context().setOffline(true);
  await addTodo(a, "sent before signing out");
  await expect(pendingCount(a)).toHaveAttribute("data-count", "1");

  await a.getByTestId("signout").click();
  await expect(a.getByTestId("signout-ask")).toContainText("1 change isn't sent yet.");
  // Still offline: sending cannot happen yet, so this tab stays signed in and says so.
  await a.getByTestId("signout-send").click();
  await expect(a.getByTestId("toast").filter({ hasText: "could not be sent yet" })).toBeVisible({ timeout: 20_000 });
  await expect(a.getByTestId("signin-form")).toBeHidden();

  // Online again, the change goes out at once; the test holds its request until sign-out has asked.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await a.context().route("**/api/todos", async (route) => {
    await held;
    await route.fallback();
  });
  await a.context().setOffline(false);
  await a.getByTestId("signout").click();
  await expect(a.getByTestId("signout-ask")).toBeVisible();
  await a.getByTestId("signout-send").click();
  release();
  await expect(a.getByTestId("signin-form")).toBeVisible();
  await a.context().unroute("**/api/todos");
  await expect(labels(b)).toHaveText(["sent before signing out"]);

  // Nothing of the user's stays in the browser: signing in again shows the server's list only.
  await signIn(a, email);
  await expect(labels(a)).toHaveText(["sent before signing out"]);
  await expect(pendingCount(a)).toHaveAttribute("data-count", "0");
});

test("signing out with unsent changes asks: 'discard and sign out' drops them for good", async ({ page, newDevice }) => {
  const { a, b, email } = await twoDevices(page, newDevice);
  await addTodo(a, "kept");
  await expectSettled(a);
  await a.context().setOffline(true);
  await addTodo(a, "discarded");
  await expect(pendingCount(a)).toHaveAttribute("data-count", "1");

  await a.getByTestId("signout").click();
  await a.getByTestId("signout-cancel").click();
  await expect(labels(a)).toHaveText(["kept", "discarded"]);
  // Back online the change would go out at once; hold it back so that it is still unsent when asked.
  await a.context().route("**/api/todos", (route) => route.abort("connectionrefused"));
  await a.context().setOffline(false);
  await a.getByTestId("signout").click();
  await a.getByTestId("signout-discard").click();
  await expect(a.getByTestId("signin-form")).toBeVisible();
  await a.context().unroute("**/api/todos");

  await signIn(a, email);
  await expect(labels(a)).toHaveText(["kept"]);
  await expectStillExactly(b, ["kept"]);
});

test("a write the server refused stays listed with its reason: Retry sends it again, Discard drops it", async ({ page, newDevice }) => {
  const { a, b } = await twoDevices(page, newDevice);
  let refuse = true;
  await a.route("**/api/todos", (route) =>
    refuse && route.request().method() === "POST"
      ? route.fulfill({ status: 400, json: { error: { code: "validation_failed", message: "refused by the test" } } })
      : route.fallback(),
  );
  await addTodo(a, "retried");
  await addTodo(a, "discarded");
  const failed = a.getByTestId("failed-write");
  await expect(failed).toHaveCount(2);
  await expect(failed.first()).toContainText("refused by the test");
  await expect(a.getByTestId("failed-writes")).toContainText("2 changes could not be saved");
  // A refused create is rolled back from the list; only the panel keeps it.
  await expect(labels(a)).toHaveText([]);

  refuse = false;
  await failed.filter({ hasText: "retried" }).getByTestId("failed-retry").click();
  await expect(labels(b)).toHaveText(["retried"]);
  await failed.filter({ hasText: "discarded" }).getByTestId("failed-discard").click();
  await expect(a.getByTestId("failed-writes")).toBeHidden();
  await expect(labels(a)).toHaveText(["retried"]);
  await expectStillExactly(b, ["retried"]);
  await expect(item(a, "retried")).not.toHaveAttribute("data-pending", "true");
});
