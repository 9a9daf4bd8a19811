import type { Page } from "@playwright/test";
import { addTodo, expect, expectSettled, item, labels, signUp, test, twoDevices } from "./fixtures.js";

/**
 * Undo (issue 19): a delete, a clear-completed and an edit that empties a todo each offer
 * "… · Undo"; undoing brings the todos back with their text and state on every device.
 */

const undoNotice = (page: Page) => page.getByTestId("undo-notice");
// Two devices, each signed in through the UI, then several round trips: give them room on a busy machine.
test.slow();

const doneStates = (page: Page) => page.locator(".todo-list li").evaluateAll((lis) => lis.map((li) => li.classList.contains("completed")));

test("undoing a delete brings the todo back, done as it was, on both devices", async ({ page, newDevice }) => {
  const { a, b } = await twoDevices(page, newDevice);
  await addTodo(a, "buy milk");
  await addTodo(a, "walk the dog");
  await item(a, "buy milk").locator(".toggle").check();
  await expect(labels(b)).toHaveText(["buy milk", "walk the dog"]);

  await item(a, "buy milk").hover();
  await item(a, "buy milk").locator(".destroy").click();
  await expect(labels(b)).toHaveText(["walk the dog"]);
  // Announced: the notice sits in an always-present status region.
  await expect(a.getByRole("status").filter({ has: undoNotice(a) })).toContainText("Deleted “buy milk”");

  await undoNotice(a).getByRole("button", { name: "Undo" }).click();
  await expect(undoNotice(a)).toHaveCount(0);
  for (const device of [a, b]) {
    await expect(labels(device)).toHaveText(["walk the dog", "buy milk"]);
    await expect(item(device, "buy milk")).toHaveClass("completed");
  }
  await expectSettled(a);
});

test("undoing a clear-completed, from the keyboard, brings every cleared todo back on both devices", async ({ page, newDevice }) => {
  const { a, b } = await twoDevices(page, newDevice);
  for (const text of ["one", "two", "three"]) await addTodo(a, text);
  await item(a, "one").locator(".toggle").check();
  await item(a, "three").locator(".toggle").check();
  await expectSettled(a);

  await a.getByRole("button", { name: "Clear completed" }).click();
  await expect(labels(b)).toHaveText(["two"]);
  await expect(undoNotice(a)).toContainText("Cleared 2 completed todos");

  // Reachable by Tab: the notice comes right after the list's last control.
  await a.locator(".filters a", { hasText: "Completed" }).focus();
  await a.keyboard.press("Tab");
  await expect(undoNotice(a).getByRole("button", { name: "Undo" })).toBeFocused();
  await a.keyboard.press("Enter");

  for (const device of [a, b]) {
    await expect(labels(device)).toHaveText(["two", "one", "three"]);
    await expect.poll(() => doneStates(device)).toEqual([false, true, true]);
  }
});

test("emptying a todo's text deletes it, and Ctrl+Z brings it back on both devices", async ({ page, newDevice }) => {
  const { a, b } = await twoDevices(page, newDevice);
  await addTodo(a, "call mum");
  await expect(labels(b)).toHaveText(["call mum"]);

  await item(a, "call mum").getByTestId("todo-title").dblclick();
  await a.locator(".edit").fill("");
  await a.locator(".edit").press("Enter");
  await expect(labels(b)).toHaveText([]);
  await expect(undoNotice(a)).toContainText("Deleted “call mum”");

  await a.keyboard.press("Control+z");
  for (const device of [a, b]) await expect(labels(device)).toHaveText(["call mum"]);
});

test("the undo notice goes after 10 seconds, but not while the pointer is on it", async ({ page }) => {
  await page.clock.install();
  await signUp(page);
  await addTodo(page, "short-lived");
  await expectSettled(page);
  await item(page, "short-lived").hover();
  await item(page, "short-lived").locator(".destroy").click();
  await expect(undoNotice(page)).toBeVisible();

  await undoNotice(page).hover();
  await page.clock.fastForward(15_000);
  await expect(undoNotice(page)).toBeVisible();

  await page.mouse.move(0, 0);
  await page.clock.fastForward(11_000);
  await expect(undoNotice(page)).toHaveCount(0);
  await expect(labels(page)).toHaveText([]);
});
