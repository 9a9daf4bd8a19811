import { devices } from "@playwright/test";
import { addTodo, expect, expectSettled, labels, signIn, signUp, test } from "./fixtures.js";

/**
 * On a touch screen there is no double-click and no hover: the hint under the list says to tap
 * the pencil, every todo has one, and the delete button shows without a hover.
 */

test("a phone gets the touch hint and an edit button that edits the todo", async ({ page, browser }) => {
  // Two browsers, one of them a phone, on a shared machine: more than the default minute.
  test.slow();
  const email = await signUp(page);
  await addTodo(page, "from the desk");
  await expectSettled(page);

  const phoneContext = await browser.newContext({ ...devices["Pixel 7"] });
  try {
    const phone = await phoneContext.newPage();
    await signIn(phone, email);
    await expect(labels(phone)).toHaveText(["from the desk"]);
    await expect(phone.getByTestId("edit-hint-touch")).toBeVisible();
    await expect(phone.getByTestId("edit-hint-pointer")).toBeHidden();
    await expect(phone.locator(".todo-list li .destroy")).toBeVisible();

    await phone.getByRole("button", { name: "Edit “from the desk”" }).tap();
    const input = phone.locator(".todo-list li .edit");
    await expect(input).toBeFocused();
    await input.fill("edited on the phone");
    await input.press("Enter");
    await expect(labels(phone)).toHaveText(["edited on the phone"]);
    await expect(labels(page)).toHaveText(["edited on the phone"]);
  } finally {
    await phoneContext.close();
  }
});

test("with a mouse the double-click hint shows and the touch edit button does not", async ({ page }) => {
  await signUp(page);
  await addTodo(page, "at the desk");
  await expect(page.getByTestId("edit-hint-pointer")).toBeVisible();
  await expect(page.getByTestId("edit-hint-touch")).toBeHidden();
  await expect(page.getByTestId("edit-button")).toBeHidden();
  // Hidden with display: none, so neither a Tab stop nor in the accessibility tree.
  await expect(page.getByRole("button", { name: "Edit “at the desk”" })).toHaveCount(0);
});
