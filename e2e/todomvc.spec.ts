import type { Locator, Page } from "@playwright/test";
import { addTodo, expect, expectSettled, item, items, labels, signUp, test } from "./fixtures.js";

/**
 * The TodoMVC behaviours (todomvc/app-spec.md), one test each, against the real server. Every
 * test signs up its own user, so each starts from an empty list.
 */

const newTodo = (page: Page) => page.locator(".new-todo");
const main = (page: Page) => page.locator(".main");
const footer = (page: Page) => page.locator(".footer");
const toggleAll = (page: Page) => page.locator(".toggle-all");
const count = (page: Page) => page.locator(".todo-count");
const clearCompleted = (page: Page) => page.locator(".clear-completed");

async function addTodos(page: Page, ...texts: string[]): Promise<void> {
  for (const text of texts) await addTodo(page, text);
  await expect(labels(page)).toHaveText(texts);
}

/** TodoMVC keeps a hidden control in the page: exactly one of it, and not visible. */
async function expectPresentButHidden(control: Locator): Promise<void> {
  await expect(control).toHaveCount(1);
  await expect(control).toBeHidden();
}

/**
 * Tabs from the new-todo input round the whole page back to it and names every stop inside
 * `.todoapp` by region, tag and href or first class ("main input toggle-all", "footer a #/").
 * Stops outside it (the account bar, the browser's own UI between the page's end and its
 * start) are passed over.
 */
async function appTabStops(page: Page): Promise<string[]> {
  await newTodo(page).focus();
  const stops: string[] = [];
  for (let press = 0; press < 50; press += 1) {
    await page.keyboard.press("Tab");
    const stop = await page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element.classList.contains("new-todo")) return null;
      if (!element.closest(".todoapp")) return "";
      const region = element.closest(".main, .footer")?.classList[0] ?? "todoapp";
      const identity = element.getAttribute("href") ?? element.classList[0] ?? "";
      return `${region} ${element.tagName.toLowerCase()} ${identity}`.trimEnd();
    });
    if (stop === null) return stops;
    if (stop !== "") stops.push(stop);
  }
  throw new Error(`Tab did not come back to .new-todo; stops so far: ${stops.join(", ")}`);
}

test.beforeEach(async ({ page }) => {
  await signUp(page);
});

test("add: Enter adds the todo, clears the input and keeps the focus there", async ({ page }) => {
  await expect(newTodo(page)).toBeFocused();
  await newTodo(page).fill("buy milk");
  await newTodo(page).press("Enter");
  await expect(labels(page)).toHaveText(["buy milk"]);
  await expect(newTodo(page)).toHaveValue("");
  await expect(newTodo(page)).toBeFocused();

  await page.keyboard.type("walk the dog");
  await page.keyboard.press("Enter");
  await expect(labels(page)).toHaveText(["buy milk", "walk the dog"]);
  await expect(items(page)).toHaveCount(2);
  await expect(items(page).nth(0)).not.toHaveClass(/completed/);
});

test("add: the text is trimmed", async ({ page }) => {
  await addTodo(page, "   padded both sides   ");
  await expect(labels(page)).toHaveText(["padded both sides"]);
  await expectSettled(page);
  await page.reload();
  await expect(labels(page)).toHaveText(["padded both sides"]);
});

test("add: empty or blank input is ignored", async ({ page }) => {
  await newTodo(page).press("Enter");
  await newTodo(page).fill("    ");
  await newTodo(page).press("Enter");
  await expect(items(page)).toHaveCount(0);
  await expectPresentButHidden(main(page));
  // What was typed stays, to be fixed rather than lost.
  await expect(newTodo(page)).toHaveValue("    ");
});

test("edit: double-click opens the editor and Enter saves the trimmed text", async ({ page }) => {
  await addTodos(page, "first", "second");
  await item(page, "first").getByTestId("todo-title").dblclick();
  const editing = items(page).nth(0);
  await expect(editing).toHaveClass(/editing/);
  const edit = editing.locator(".edit");
  await expect(edit).toBeFocused();
  await expect(edit).toHaveValue("first");
  // The view (checkbox, label, delete) is hidden while editing.
  await expect(editing.locator(".toggle")).toBeHidden();
  await expect(editing.getByTestId("todo-title")).toBeHidden();

  await edit.fill("  first, renamed  ");
  await edit.press("Enter");
  await expect(items(page).nth(0)).not.toHaveClass(/editing/);
  await expect(page.locator(".edit")).toHaveCount(0);
  await expect(labels(page)).toHaveText(["first, renamed", "second"]);
  await expectSettled(page);
  await page.reload();
  await expect(labels(page)).toHaveText(["first, renamed", "second"]);
});

test("edit: leaving the field (blur) saves", async ({ page }) => {
  await addTodos(page, "first", "second");
  await item(page, "second").getByTestId("todo-title").dblclick();
  await items(page).nth(1).locator(".edit").fill("second, by blur");
  await newTodo(page).click();
  await expect(page.locator(".edit")).toHaveCount(0);
  await expect(items(page).nth(1)).not.toHaveClass(/editing/);
  await expect(labels(page)).toHaveText(["first", "second, by blur"]);
  await expectSettled(page);
  await page.reload();
  await expect(labels(page)).toHaveText(["first", "second, by blur"]);
});

test("edit: Escape cancels and keeps the old text", async ({ page }) => {
  await addTodos(page, "keep me");
  await item(page, "keep me").getByTestId("todo-title").dblclick();
  const edit = page.locator(".edit");
  await edit.fill("thrown away");
  await edit.press("Escape");
  await expect(edit).toHaveCount(0);
  await expect(items(page).nth(0)).not.toHaveClass(/editing/);
  await expect(labels(page)).toHaveText(["keep me"]);
  // Escape is not a blur-save either, not even later.
  await expectSettled(page);
  await page.reload();
  await expect(labels(page)).toHaveText(["keep me"]);
});

test("edit: saving empty text deletes the todo", async ({ page }) => {
  await addTodos(page, "first", "doomed", "third");
  await item(page, "doomed").getByTestId("todo-title").dblclick();
  await page.locator(".edit").fill("   ");
  await page.locator(".edit").press("Enter");
  await expect(labels(page)).toHaveText(["first", "third"]);
  await expectSettled(page);
  await page.reload();
  await expect(labels(page)).toHaveText(["first", "third"]);
});

test("toggle: the checkbox marks one todo complete and back", async ({ page }) => {
  await addTodos(page, "first", "second");
  await item(page, "first").locator(".toggle").check();
  await expect(items(page).nth(0)).toHaveClass("completed");
  await expect(items(page).nth(1)).not.toHaveClass(/completed/);
  await expectSettled(page);
  await page.reload();
  await expect(items(page).nth(0)).toHaveClass("completed");
  await expect(item(page, "first").locator(".toggle")).toBeChecked();

  await item(page, "first").locator(".toggle").uncheck();
  await expect(items(page).nth(0)).not.toHaveClass(/completed/);
  await expectSettled(page);
  await page.reload();
  await expect(items(page).nth(0)).not.toHaveClass(/completed/);
});

test("toggle-all: marks all complete and back, and follows the individual checkboxes", async ({ page }) => {
  await addTodos(page, "one", "two", "three");
  await expect(toggleAll(page)).not.toBeChecked();

  await page.locator("label[for=toggle-all]").click();
  for (let i = 0; i < 3; i += 1) await expect(items(page).nth(i)).toHaveClass("completed");
  await expect(toggleAll(page)).toBeChecked();

  // Unchecking one todo unchecks toggle-all; checking it again checks toggle-all.
  await item(page, "two").locator(".toggle").uncheck();
  await expect(toggleAll(page)).not.toBeChecked();
  await item(page, "two").locator(".toggle").check();
  await expect(toggleAll(page)).toBeChecked();

  // And toggle-all clears them all again.
  await page.locator("label[for=toggle-all]").click();
  for (let i = 0; i < 3; i += 1) await expect(items(page).nth(i)).not.toHaveClass(/completed/);
  await expect(toggleAll(page)).not.toBeChecked();
  await expectSettled(page);
  await page.reload();
  for (let i = 0; i < 3; i += 1) await expect(items(page).nth(i)).not.toHaveClass(/completed/);
});

test("counter: shows how many are left, pluralised, the number in <strong>", async ({ page }) => {
  await addTodo(page, "one");
  await expect(count(page)).toHaveText("1 item left");
  await expect(count(page).locator("strong")).toHaveText("1");
  await addTodo(page, "two");
  await expect(count(page)).toHaveText("2 items left");
  await expect(count(page).locator("strong")).toHaveText("2");
  await item(page, "one").locator(".toggle").check();
  await expect(count(page)).toHaveText("1 item left");
  await item(page, "two").locator(".toggle").check();
  await expect(count(page)).toHaveText("0 items left");
  await expect(count(page).locator("strong")).toHaveText("0");
});

test("clear completed: removes the completed todos, and is hidden when none is completed", async ({ page }) => {
  await addTodos(page, "one", "two", "three");
  await expectPresentButHidden(clearCompleted(page));
  await item(page, "one").locator(".toggle").check();
  await item(page, "three").locator(".toggle").check();
  await expect(clearCompleted(page)).toBeVisible();
  await clearCompleted(page).click();
  await expect(labels(page)).toHaveText(["two"]);
  await expectPresentButHidden(clearCompleted(page));
  await expectSettled(page);
  await page.reload();
  await expect(labels(page)).toHaveText(["two"]);
  await expectPresentButHidden(clearCompleted(page));
});

test("filters: the URL hash picks All / Active / Completed, and the back button follows", async ({ page }) => {
  await addTodos(page, "active one", "done one", "active two");
  await item(page, "done one").locator(".toggle").check();
  await expectSettled(page);
  const selected = page.locator(".filters a.selected");
  await expect(selected).toHaveText("All");
  await expect(page.locator('.filters a[href="#/"]')).toHaveClass("selected");

  await page.locator('.filters a[href="#/active"]').click();
  await expect(page).toHaveURL(/#\/active$/);
  await expect(selected).toHaveText("Active");
  await expect(labels(page)).toHaveText(["active one", "active two"]);

  await page.locator('.filters a[href="#/completed"]').click();
  await expect(page).toHaveURL(/#\/completed$/);
  await expect(selected).toHaveText("Completed");
  await expect(labels(page)).toHaveText(["done one"]);

  // Completing a todo while on #/active takes it out of that view at once.
  await page.goBack();
  await expect(page).toHaveURL(/#\/active$/);
  await expect(selected).toHaveText("Active");
  await expect(labels(page)).toHaveText(["active one", "active two"]);
  await item(page, "active two").locator(".toggle").click();
  await expect(labels(page)).toHaveText(["active one"]);

  await page.goBack();
  await expect(selected).toHaveText("All");
  await expect(labels(page)).toHaveText(["active one", "done one", "active two"]);

  // A route can be loaded directly (bookmark, reload).
  await expectSettled(page);
  await page.goto("/#/completed");
  await expect(selected).toHaveText("Completed");
  await expect(labels(page)).toHaveText(["done one", "active two"]);
});

test("main and footer are in the page but hidden while the list is empty", async ({ page }) => {
  await expectPresentButHidden(main(page));
  await expectPresentButHidden(footer(page));
  await addTodo(page, "only one");
  await expect(main(page)).toBeVisible();
  await expect(footer(page)).toBeVisible();
  await item(page, "only one").hover();
  await item(page, "only one").locator(".destroy").click();
  await expect(items(page)).toHaveCount(0);
  await expectPresentButHidden(main(page));
  await expectPresentButHidden(footer(page));
  await expectSettled(page);
  await page.reload();
  await expect(page.getByTestId("connection-status")).toHaveAttribute("data-status", "live");
  await expectPresentButHidden(main(page));
  await expectPresentButHidden(footer(page));
});

test("hidden controls are skipped by Tab", async ({ page }) => {
  // Empty list: main and footer are hidden, so the new-todo input is the app's only stop.
  expect(await appTabStops(page)).toEqual([]);

  // One active todo: main and the filters are reachable, "Clear completed" is not.
  await addTodos(page, "only one");
  let stops = await appTabStops(page);
  expect(stops).toEqual(expect.arrayContaining(["main input toggle-all", "footer a #/", "footer a #/completed"]));
  expect(stops).not.toContain("footer button clear-completed");

  // Done: now "Clear completed" is shown, and is a stop.
  await item(page, "only one").locator(".toggle").check();
  await expect(clearCompleted(page)).toBeVisible();
  stops = await appTabStops(page);
  expect(stops).toContain("footer button clear-completed");
});

test("hidden controls are not in the accessibility tree", async ({ page }) => {
  const markAll = page.getByRole("checkbox", { name: "Mark all as complete" });
  const filters = page.getByRole("list", { name: "Filter todos" });
  const clear = page.getByRole("button", { name: "Clear completed" });

  // Empty list: none of them is exposed, though each is in the page.
  const controls = [["checkbox", "Mark all as complete"], ["list", "Filter todos"], ["button", "Clear completed"]] as const;
  for (const [role, name] of controls) {
    await expect(page.getByRole(role, { name })).toHaveCount(0);
    await expect(page.getByRole(role, { name, includeHidden: true })).toHaveCount(1);
  }

  await addTodos(page, "only one");
  await expect(markAll).toHaveCount(1);
  await expect(filters).toHaveCount(1);
  await expect(clear).toHaveCount(0);

  await item(page, "only one").locator(".toggle").check();
  await expect(clear).toHaveCount(1);
});

test("persistence: the list, its order and completed states survive a reload", async ({ page }) => {
  await addTodos(page, "one", "two", "three");
  await item(page, "two").locator(".toggle").check();
  await expectSettled(page);
  await page.reload();
  await expect(labels(page)).toHaveText(["one", "two", "three"]);
  await expect(items(page).nth(0)).not.toHaveClass(/completed/);
  await expect(items(page).nth(1)).toHaveClass("completed");
  await expect(items(page).nth(2)).not.toHaveClass(/completed/);
  await expect(count(page)).toHaveText("2 items left");
});
