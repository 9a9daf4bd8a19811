import { addTodo, expect, labels, signUp, test } from "./fixtures.js";

test("smoke: sign up and add a todo", async ({ page }) => {
  await signUp(page);
  await addTodo(page, "first");
  await expect(labels(page)).toHaveText(["first"]);
});
