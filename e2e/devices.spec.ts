import {
  addTodo,
  deviceRows,
  expect,
  expectNotReloaded,
  expectSettled,
  labels,
  markDocument,
  openAccount,
  PASSWORD,
  signIn,
  status,
  test,
  twoDevices,
} from "./fixtures.js";

const NEW_PASSWORD = "a brand new passphrase";

test("two devices of one user see each other online in the roster, live", async ({ page, newDevice }) => {
  // A's clock can be moved on, to see "last seen" keep itself true as time passes.
  await page.clock.install();
  const { a, b } = await twoDevices(page, newDevice);
  await openAccount(a);
  await markDocument(a);
  await expect(deviceRows(a)).toHaveCount(2);
  await expect(deviceRows(a, true)).toHaveCount(2);
  await expect(deviceRows(a).filter({ has: a.getByTestId("this-device") })).toHaveCount(1);

  await openAccount(b);
  await expect(deviceRows(b, true)).toHaveCount(2);
  await expect(deviceRows(b).filter({ has: b.getByTestId("this-device") })).toHaveCount(1);

  // B closes: A's roster shows it offline, from the socket message (A never reloads or polls).
  await b.context().close();
  await expect(deviceRows(a, true)).toHaveCount(1);
  await expect(deviceRows(a, false).getByTestId("device-presence")).toContainText("Last seen just now");
  await expect(a.getByTestId("roster-summary")).toHaveText("2 devices, 1 online now");
  // The server records lastSeenAt at most once a minute: two minutes on, it reads 2 or 3.
  await a.clock.fastForward("02:00");
  await expect(deviceRows(a, false).getByTestId("device-presence")).toContainText(/Last seen [23] minutes ago/);
  await expectNotReloaded(a);
});

test("signing out another device sends it to the sign-in screen at once, saying why", async ({ page, newDevice }) => {
  const { a, b } = await twoDevices(page, newDevice);
  await addTodo(b, "on b");
  await expectSettled(b);
  await openAccount(a);
  const other = deviceRows(a).filter({ hasNot: a.getByTestId("this-device") });
  await other.getByTestId("device-signout").click();

  await expect(b.getByTestId("signin-form")).toBeVisible();
  await expect(b.getByTestId("signed-out-message")).toHaveText("You were signed out from another device.");
  await expect(b.getByText("on b")).toHaveCount(0);
  await expect(deviceRows(a)).toHaveCount(1);
  await expect(status(a)).toHaveAttribute("data-status", "live");
});

test("changing the password signs out the other device but not this one", async ({ page, newDevice }) => {
  const { a, b, email } = await twoDevices(page, newDevice);
  await openAccount(a);
  await markDocument(a);
  const form = a.getByTestId("change-password-form");
  await form.getByLabel("Current password").fill(PASSWORD);
  await form.getByLabel("New password").fill(NEW_PASSWORD);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(a.getByTestId("password-changed")).toContainText("Password changed");

  await expect(b.getByTestId("signin-form")).toBeVisible();
  await expect(b.getByTestId("signed-out-message")).toContainText("password was changed on another device");

  // This tab carries on under its new session: live again, and its writes go through.
  await expect(status(a)).toHaveAttribute("data-status", "live");
  await expect(deviceRows(a)).toHaveCount(1);
  await a.getByTestId("list-link").click();
  await addTodo(a, "after the change");
  await expectSettled(a);
  await expectNotReloaded(a);
  await a.reload();
  await expect(labels(a)).toHaveText(["after the change"]);

  await signIn(b, email, NEW_PASSWORD);
  await expect(labels(b)).toHaveText(["after the change"]);
});

test("deleting the account signs out every device, and signing in again fails", async ({ page, newDevice }) => {
  const { a, b, email } = await twoDevices(page, newDevice);
  await addTodo(a, "soon gone");
  await expectSettled(a);
  await openAccount(a);
  await a.getByTestId("delete-account-start").click();
  const form = a.getByTestId("delete-account-form");
  const remove = a.getByTestId("delete-account");
  await form.getByLabel("Your password").fill(PASSWORD);
  await expect(remove).toBeDisabled();
  await form.getByLabel(/Type your email/).fill(email);
  await remove.click();

  await expect(a.getByTestId("signin-form")).toBeVisible();
  await expect(a.getByTestId("signed-out-message")).toHaveText("Your account was deleted.");
  await expect(b.getByTestId("signin-form")).toBeVisible();
  await expect(b.getByTestId("signed-out-message")).toHaveText("Your account was deleted.");

  const signin = b.getByTestId("signin-form");
  await signin.getByLabel("Email").fill(email);
  await signin.getByLabel("Password").fill(PASSWORD);
  await signin.getByLabel("Password").press("Enter");
  await expect(b.getByTestId("auth-error")).toBeVisible();
  await expect(b.locator(".new-todo")).toHaveCount(0);
});
