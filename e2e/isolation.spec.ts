import { addTodo, expect, expectSettled, expectStillExactly, labels, markDocument, PASSWORD, expectNotReloaded, signUp, test } from "./fixtures.js";

/** Two different users signed in at the same time, each in their own browser context. */

test("another user never sees the first user's todos, live or on reload", async ({ page, newDevice, baseURL }) => {
  const alice = page;
  await signUp(alice);
  const bob = await newDevice();
  await signUp(bob);
  await markDocument(bob);

  // Alice writes while Bob watches his empty list.
  await addTodo(alice, "alice: secret plan");
  await addTodo(alice, "alice: second");
  await alice.locator(".todo-list li").nth(0).locator(".toggle").check();
  await expectSettled(alice);
  await expectStillExactly(bob, [], 700);
  await expect(bob.locator(".main")).toBeHidden();

  // Bob writes too; each sees only their own.
  await addTodo(bob, "bob: groceries");
  await expectSettled(bob);
  await expectStillExactly(alice, ["alice: secret plan", "alice: second"]);
  await expectStillExactly(bob, ["bob: groceries"], 0);
  await expect(bob.getByText(/alice/)).toHaveCount(0);
  await expectNotReloaded(bob);

  // And after a reload, from the server's list.
  await bob.reload();
  await expect(bob.getByTestId("connection-status")).toHaveAttribute("data-status", "live");
  await expect(labels(bob)).toHaveText(["bob: groceries"]);
  await alice.reload();
  await expect(alice.getByTestId("connection-status")).toHaveAttribute("data-status", "live");
  await expect(labels(alice)).toHaveText(["alice: secret plan", "alice: second"]);

  // Bob's session cannot reach Alice's todo through the API either: it does not exist for him.
  const aliceList = (await (await alice.request.get("/api/todos")).json()) as { todos: Array<{ id: string }> };
  const aliceId = aliceList.todos[0]?.id;
  expect(aliceId).toBeDefined();
  const bobList = (await (await bob.request.get("/api/todos")).json()) as { todos: Array<{ text: string }> };
  expect(bobList.todos.map((todo) => todo.text)).toEqual(["bob: groceries"]);
  // The same request from Alice's own session is accepted (a no-op: it is already done), so
  // Bob's 404 is about ownership, not about the request's shape or origin.
  const request = { data: { done: true }, headers: { Origin: baseURL ?? "" } };
  expect((await alice.request.patch(`/api/todos/${aliceId}`, request)).status()).toBe(200);
  expect((await bob.request.patch(`/api/todos/${aliceId}`, request)).status()).toBe(404);
  await expectStillExactly(alice, ["alice: secret plan", "alice: second"], 300);
});

test("signing out and in as someone else on the same device shows only the new user's list", async ({ page, newDevice }) => {
  const other = await newDevice();
  const otherEmail = await signUp(other);
  await addTodo(other, "other's todo");
  await expectSettled(other);

  await signUp(page);
  await addTodo(page, "first user's todo");
  await expectSettled(page);
  await page.getByTestId("signout").click();
  await expect(page.getByTestId("signin-form")).toBeVisible();

  const form = page.getByTestId("signin-form");
  await form.getByLabel("Email").fill(otherEmail);
  await form.getByLabel("Password").fill(PASSWORD);
  await form.getByLabel("Password").press("Enter");
  await expect(page.getByTestId("connection-status")).toHaveAttribute("data-status", "live");
  await expect(labels(page)).toHaveText(["other's todo"]);
  await expectStillExactly(page, ["other's todo"]);
});
