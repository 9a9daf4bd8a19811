import type { Page } from "@playwright/test";
import {
  addTodo,
  expect,
  expectNotReloaded,
  expectSettled,
  expectStillExactly,
  item,
  labels,
  markDocument,
  signUp,
  status,
  test,
} from "./fixtures.js";

/**
 * Two tabs of one browser share the session cookie but not sessionStorage, so each is its own
 * device: each must skip only its own echoes and apply the other tab's changes.
 */

const deviceIdOf = (page: Page) => page.evaluate(() => sessionStorage.getItem("tandem.deviceId"));

async function openSecondTab(first: Page): Promise<Page> {
  const second = await first.context().newPage();
  await second.goto("/");
  await expect(second.locator(".new-todo")).toBeVisible();
  await expect(status(second)).toHaveAttribute("data-status", "live");
  return second;
}

test("two tabs of one browser are two devices and stay in sync both ways", async ({ page }) => {
  await signUp(page);
  const first = page;
  const second = await openSecondTab(first);
  const [firstId, secondId] = [await deviceIdOf(first), await deviceIdOf(second)];
  expect(firstId).toBeTruthy();
  expect(secondId).toBeTruthy();
  expect(firstId).not.toBe(secondId);
  await markDocument(first);
  await markDocument(second);

  await addTodo(first, "from the first tab");
  await expect(labels(second)).toHaveText(["from the first tab"]);
  await addTodo(second, "from the second tab");
  await expect(labels(first)).toHaveText(["from the first tab", "from the second tab"]);

  await item(second, "from the first tab").locator(".toggle").check();
  await expect(item(first, "from the first tab")).toHaveClass("completed");
  await item(first, "from the second tab").getByTestId("todo-title").dblclick();
  await first.locator(".edit").fill("renamed in the first tab");
  await first.locator(".edit").press("Enter");
  await expect(labels(second)).toHaveText(["from the first tab", "renamed in the first tab"]);
  await second.locator(".clear-completed").click();
  await expect(labels(first)).toHaveText(["renamed in the first tab"]);

  await expectSettled(first);
  await expectSettled(second);
  await expectStillExactly(first, ["renamed in the first tab"]);
  await expectStillExactly(second, ["renamed in the first tab"], 0);
  await expectNotReloaded(first);
  await expectNotReloaded(second);
});

test("a reloaded tab keeps its device id and goes on syncing with the other", async ({ page }) => {
  await signUp(page);
  const first = page;
  const second = await openSecondTab(first);
  const secondId = await deviceIdOf(second);

  await addTodo(second, "before the reload");
  await expect(labels(first)).toHaveText(["before the reload"]);
  await expectSettled(second);
  await second.reload();
  await expect(status(second)).toHaveAttribute("data-status", "live");
  expect(await deviceIdOf(second)).toBe(secondId);
  await expect(labels(second)).toHaveText(["before the reload"]);

  await addTodo(second, "after the reload");
  await expect(labels(first)).toHaveText(["before the reload", "after the reload"]);
  await addTodo(first, "from the first tab");
  await expect(labels(second)).toHaveText(["before the reload", "after the reload", "from the first tab"]);
  await expectSettled(first);
  await expectSettled(second);
  await expectStillExactly(second, ["before the reload", "after the reload", "from the first tab"]);
  await expectStillExactly(first, ["before the reload", "after the reload", "from the first tab"], 0);
});

test("signing out in one tab signs the other tab out too (one session)", async ({ page }) => {
  await signUp(page);
  const first = page;
  const second = await openSecondTab(first);
  await addTodo(first, "private");
  await expect(labels(second)).toHaveText(["private"]);
  await expectSettled(first);

  await first.getByTestId("signout").click();
  await expect(first.getByTestId("signin-form")).toBeVisible();
  // The server closes the session's sockets (4001): the other tab ends its session by itself.
  await expect(second.getByTestId("signin-form")).toBeVisible();
  await expect(second.locator(".new-todo")).toHaveCount(0);
  await expect(second.getByText("private")).toHaveCount(0);
  await expect(second.getByTestId("signed-out-message")).toHaveText("You signed out in another tab.");
});
