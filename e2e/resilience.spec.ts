import type { Page } from "@playwright/test";
import {
  addTodo,
  expect,
  expectNotReloaded,
  expectSettled,
  expectStillExactly,
  item,
  items,
  labels,
  markDocument,
  pendingCount,
  signUp,
  status,
  test,
  twoDevices,
} from "./fixtures.js";

/**
 * Losing the network, and losing the server. About `context.setOffline(true)` in Chromium: it
 * fails new requests and fires the page's `offline` event, but may leave an open WebSocket
 * alone. The app does not rely on that: on `offline` it closes its socket itself and shows
 * "Offline", and on `online` it reconnects with `since=<last seq>` and catches up. The tests
 * below therefore assert what the user sees: the Offline status, nothing arriving meanwhile,
 * and convergence (back to Live) after the network returns, without a reload.
 */


interface StatusLog {
  __e2eStatuses?: string[];
}

/**
 * Records every state the connection indicator shows from now on, as "data-status:text"
 * (e.g. "reconnecting:Reconnecting…"), consecutive repeats dropped. A web-first assertion
 * could miss a state that lasts a few hundred milliseconds; this cannot.
 */
async function recordStatuses(page: Page): Promise<void> {
  await page.evaluate(() => {
    const log: string[] = [];
    (window as StatusLog).__e2eStatuses = log;
    const element = document.querySelector('[data-testid="connection-status"]');
    if (!element) throw new Error("no connection status on the page");
    const record = () => {
      const entry = `${element.getAttribute("data-status") ?? ""}:${element.textContent ?? ""}`;
      if (log.at(-1) !== entry) log.push(entry);
    };
    new MutationObserver(record).observe(element, { attributes: true, childList: true, subtree: true, characterData: true });
  });
}

const recordedStatuses = (page: Page) => page.evaluate(() => (window as StatusLog).__e2eStatuses ?? []);

test("a device that was offline catches up by itself when it is back online", async ({ page, newDevice }) => {
  const { a, b } = await twoDevices(page, newDevice);
  for (const text of ["stays", "edited while B is away", "deleted while B is away", "completed while B is away"]) {
    await addTodo(a, text);
  }
  const before = ["stays", "edited while B is away", "deleted while B is away", "completed while B is away"];
  await expect(labels(b)).toHaveText(before);
  await markDocument(b);

  await b.context().setOffline(true);
  await expect(status(b)).toHaveAttribute("data-status", "offline");
  await expect(status(b)).toHaveText("Offline");
  // The indicator still says when B last heard from the server.
  await expect(status(b)).toHaveAttribute("title", /^Last synced at /);

  await item(a, "edited while B is away").getByTestId("todo-title").dblclick();
  await a.locator(".edit").fill("edited on A");
  await a.locator(".edit").press("Enter");
  await item(a, "deleted while B is away").hover();
  await item(a, "deleted while B is away").locator(".destroy").click();
  await item(a, "completed while B is away").locator(".toggle").check();
  await addTodo(a, "added while B is away");
  const after = ["stays", "edited on A", "completed while B is away", "added while B is away"];
  await expect(labels(a)).toHaveText(after);
  await expectSettled(a);

  // Offline, B hears nothing (its socket is closed) and says so.
  await expectStillExactly(b, before);
  await expect(status(b)).toHaveText("Offline");

  await b.context().setOffline(false);
  await expect(status(b)).toHaveAttribute("data-status", "live");
  await expect(labels(b)).toHaveText(after);
  await expect(item(b, "completed while B is away")).toHaveClass("completed");
  await expectStillExactly(b, after);
  await expectNotReloaded(b);

  // And it is live again, not just caught up.
  await addTodo(a, "after B is back");
  await expect(labels(b)).toHaveText([...after, "after B is back"]);
});

test("writes made offline are queued, shown as pending, and land once back online", async ({ page, newDevice }) => {
  const { a, b } = await twoDevices(page, newDevice);
  await addTodo(a, "to complete offline");
  await addTodo(a, "to delete offline");
  await expect(labels(b)).toHaveText(["to complete offline", "to delete offline"]);
  await markDocument(b);

  await b.context().setOffline(true);
  await expect(status(b)).toHaveAttribute("data-status", "offline");

  // Three writes on B: each shows at once, marked pending, and the top bar counts them.
  await addTodo(b, "added offline");
  await item(b, "to complete offline").locator(".toggle").check();
  await item(b, "to delete offline").hover();
  await item(b, "to delete offline").locator(".destroy").click();
  const expected = ["to complete offline", "added offline"];
  await expect(labels(b)).toHaveText(expected);
  await expect(item(b, "added offline")).toHaveAttribute("data-pending", "true");
  await expect(item(b, "to complete offline")).toHaveAttribute("data-pending", "true");
  await expect(item(b, "to complete offline")).toHaveClass("completed");
  await expect(pendingCount(b)).toHaveAttribute("data-count", "3");
  await expect(pendingCount(b)).toBeVisible();
  await expect(pendingCount(b)).toHaveText("3 changes waiting to sync");

  // Meanwhile A makes a change of its own.
  await addTodo(a, "added on A meanwhile");
  await expectSettled(a);
  // None of B's queued writes reached the server.
  await expectStillExactly(a, ["to complete offline", "to delete offline", "added on A meanwhile"]);
  await expect(item(a, "to complete offline")).not.toHaveClass(/completed/);

  await b.context().setOffline(false);
  await expect(status(b)).toHaveAttribute("data-status", "live");
  await expect(pendingCount(b)).toHaveAttribute("data-count", "0");
  await expect(pendingCount(b)).toBeHidden();
  // The list is ordered by when the server received each create: B's offline one came last.
  const final = ["to complete offline", "added on A meanwhile", "added offline"];
  await expect(labels(a)).toHaveText(final);
  await expect(item(a, "to complete offline")).toHaveClass("completed");
  await expect(labels(b)).toHaveText(final);
  await expect(b.locator(".todo-list li[data-pending]")).toHaveCount(0);
  await expectStillExactly(a, final);
  await expectStillExactly(b, final, 0);
  await expectNotReloaded(b);
});

test("queued writes meet what changed elsewhere: other fields merge, a write on a deleted todo is rolled back and explained", async ({ page, newDevice }) => {
  const { a, b } = await twoDevices(page, newDevice);
  await addTodo(a, "renamed on A");
  await addTodo(a, "deleted on A");
  await expect(labels(b)).toHaveText(["renamed on A", "deleted on A"]);

  await b.context().setOffline(true);
  await expect(status(b)).toHaveAttribute("data-status", "offline");
  // B completes the first todo and renames the second, offline.
  await item(b, "renamed on A").locator(".toggle").check();
  await item(b, "deleted on A").getByTestId("todo-title").dblclick();
  await b.locator(".edit").fill("renamed on B, too late");
  await b.locator(".edit").press("Enter");
  await expect(pendingCount(b)).toHaveAttribute("data-count", "2");

  // Meanwhile A renames the first and deletes the second.
  await item(a, "renamed on A").getByTestId("todo-title").dblclick();
  await a.locator(".edit").fill("renamed on A, done on B");
  await a.locator(".edit").press("Enter");
  await item(a, "deleted on A").hover();
  await item(a, "deleted on A").locator(".destroy").click();
  await expectSettled(a);

  await b.context().setOffline(false);
  await expect(status(b)).toHaveAttribute("data-status", "live");
  await expect(pendingCount(b)).toHaveAttribute("data-count", "0");
  // The rename (A) and the completion (B) touch different fields: both hold, everywhere.
  for (const device of [a, b]) {
    await expect(labels(device)).toHaveText(["renamed on A, done on B"]);
    await expect(items(device).first()).toHaveClass("completed");
  }
  // B's rename of a todo deleted meanwhile is refused: rolled back, and B is told why.
  await expect(b.getByTestId("toast")).toHaveCount(1);
  await expect(b.getByTestId("toast")).toContainText("Couldn't rename a todo to “renamed on B, too late”");
  await b.getByTestId("toast-dismiss").click();
  await expect(b.getByTestId("toast")).toHaveCount(0);
  await expect(a.getByTestId("toast")).toHaveCount(0);
  await expectStillExactly(a, ["renamed on A, done on B"]);
  await expectStillExactly(b, ["renamed on A, done on B"], 0);
});

test("when the session cannot be checked, the app says so and recovers on Try again", async ({ page }) => {
  await signUp(page);
  await addTodo(page, "still mine");
  await expectSettled(page);

  await page.route("**/api/auth/me", (route) => route.abort("connectionrefused"));
  // A browser that kept no list (with one, the kept list shows instead: outbox.spec.ts).
  await page.evaluate(() => localStorage.removeItem("tandem.lastUser"));
  await page.reload();
  await expect(page.getByTestId("unreachable")).toBeVisible();
  await expect(page.getByTestId("unreachable")).toContainText("Can't reach the server");
  await expect(page.locator(".new-todo")).toHaveCount(0);

  await page.unroute("**/api/auth/me");
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(status(page)).toHaveAttribute("data-status", "live");
  await expect(labels(page)).toHaveText(["still mine"]);
});

test("a server restart: both devices reconnect by themselves, converge, and nothing is lost", async ({ page, newDevice, server }) => {
  const { a, b } = await twoDevices(page, newDevice);
  await addTodo(a, "from before");
  await expect(labels(b)).toHaveText(["from before"]);
  await expectSettled(a);
  for (const device of [a, b]) {
    await markDocument(device);
    await recordStatuses(device);
  }

  // Right before the restart: A's write may still be in flight when the server goes down.
  await addTodo(a, "just before the restart");
  const restarting = server.restart();
  // While the server is going down or down: B's write waits in its outbox.
  await addTodo(b, "during the restart");
  await restarting;
  // Right after: the server is up, the devices may still be reconnecting.
  await addTodo(a, "right after the restart");
  await item(b, "from before").locator(".toggle").check();

  // The list is ordered by when the server received each create, and which of the writes around
  // the restart got there first depends on the backoff: compare contents, then the order between
  // the two devices.
  const written = ["from before", "just before the restart", "during the restart", "right after the restart"];
  for (const device of [a, b]) {
    await expect(status(device)).toHaveAttribute("data-status", "live", { timeout: 20_000 });
    await expect.poll(async () => (await labels(device).allTextContents()).sort()).toEqual([...written].sort());
    await expect(item(device, "from before")).toHaveClass("completed");
    await expectSettled(device);
  }
  const all = await labels(a).allTextContents();
  await expect(labels(b)).toHaveText(all);
  for (const device of [a, b]) {
    const statuses = await recordedStatuses(device);
    // The socket was closed (1012) and the device came back by itself: reconnecting, then live.
    expect(statuses).toContain("reconnecting:Reconnecting…");
    expect(statuses.at(-1)).toBe("live:Live");
    expect(statuses.indexOf("reconnecting:Reconnecting…")).toBeLessThan(statuses.lastIndexOf("live:Live"));
    expect(statuses.filter((entry) => !/^(reconnecting|live):/.test(entry))).toEqual([]);
    await expectNotReloaded(device);
  }
  await expectStillExactly(a, all);
  await expectStillExactly(b, all, 0);

  // Nothing lost on the server either: a fresh load shows it all.
  await b.reload();
  await expect(status(b)).toHaveAttribute("data-status", "live");
  await expect(labels(b)).toHaveText(all);
  await expect(item(b, "from before")).toHaveClass("completed");

  // And the new server process streams live changes to both.
  await addTodo(b, "after it all");
  await expect(labels(a)).toHaveText([...all, "after it all"]);
});
