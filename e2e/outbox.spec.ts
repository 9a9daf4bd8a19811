import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "@playwright/test";
import { addTodo, editMeetsChangeElsewhere, expect, expectKeptList, expectSettled, expectStillExactly, item, items, labels, pendingCount, signIn, signUp, status, test, twoDevices, uniqueEmail } from "./fixtures.js";

/**
 * Offline-first: the durable outbox (IndexedDB), exactly-once delivery and the list kept for an
 * instant start. "The server can't be reached" is made two ways: the browser offline
 * (`setOffline`), and every `/api` request of the context refused (`blockApi`), which is what a
 * page sees whose app shell loads (from the HTTP server here, from the service worker's cache in
 * the field) while the API does not answer. A reload needs the shell, so reloads happen with the
 * API refused rather than with the browser offline.
 */

async function blockApi(context: BrowserContext): Promise<void> {
  await context.route("**/api/**", (route) => route.abort("connectionrefused"));
}

async function unblockApi(context: BrowserContext): Promise<void> {
  await context.unroute("**/api/**");
}

test("offline: add three, edit one, complete one, delete one, reload offline, all still pending; online, another device sees exactly the result", async ({ page, newDevice }) => {
  const { a, b } = await twoDevices(page, newDevice);
  await a.context().setOffline(true);
  await expect(status(a)).toHaveAttribute("data-status", "offline");
  await blockApi(a.context());

  for (const text of ["first", "second", "third"]) await addTodo(a, text);
  await item(a, "second").getByTestId("todo-title").dblclick();
  await a.locator(".edit").fill("second, edited");
  await a.locator(".edit").press("Enter");
  await item(a, "first").locator(".toggle").check();
  await item(a, "third").hover();
  await item(a, "third").locator(".destroy").click();
  const final = ["first", "second, edited"];
  await expect(labels(a)).toHaveText(final);
  // Six writes (three creates, an edit, a toggle, a delete), none confirmed.
  await expect(pendingCount(a)).toHaveAttribute("data-count", "6");

  // Reload with the API still unreachable: everything is still there, still pending.
  await a.context().setOffline(false);
  await a.reload();
  await expect(labels(a)).toHaveText(final);
  await expect(item(a, "first")).toHaveClass("completed");
  await expect(item(a, "first")).toHaveAttribute("data-pending", "true");
  await expect(pendingCount(a)).toHaveAttribute("data-count", "6");
  await expect(status(a)).not.toHaveAttribute("data-status", "live");
  await expect(labels(b)).toHaveText([]);

  await unblockApi(a.context());
  await expectSettled(a);
  await expect(labels(b)).toHaveText(final);
  await expect(item(b, "first")).toHaveClass("completed");
  await expectStillExactly(b, final);
  // Each todo once, also for a device that starts afresh.
  const c = await newDevice();
  await signIn(c, await a.getByTestId("user-email").innerText());
  await expect(labels(c)).toHaveText(final);
});

test("a tab closed with writes pending: the next tab of the browser sends them", async ({ page, newDevice }) => {
  const { a, b } = await twoDevices(page, newDevice);
  const context = a.context();
  await context.setOffline(true);
  await addTodo(a, "written, then the tab closed");
  await expect(pendingCount(a)).toHaveAttribute("data-count", "1");
  await a.close();
  await context.setOffline(false);

  const reopened = await context.newPage();
  await reopened.goto("/");
  await expect(labels(reopened)).toHaveText(["written, then the tab closed"]);
  await expectSettled(reopened);
  await expect(labels(b)).toHaveText(["written, then the tab closed"]);
  await expectStillExactly(b, ["written, then the tab closed"]);
});

test("a browser killed with writes pending: restarted, it sends them", async ({ server, newDevice }) => {
  const userDataDir = mkdtempSync(path.join(tmpdir(), "tandem-e2e-profile-"));
  const launch = () =>
    chromium.launchPersistentContext(userDataDir, {
      baseURL: server.url,
      executablePath: test.info().project.use.launchOptions?.executablePath,
      args: test.info().project.use.launchOptions?.args ?? [],
    });
  try {
    let context = await launch();
    const a = context.pages()[0] ?? (await context.newPage());
    const email = await signUp(a, uniqueEmail("killed"));
    const b = await newDevice();
    await signIn(b, email);
    await context.setOffline(true);
    await addTodo(a, "written before the crash");
    await expect(pendingCount(a)).toHaveAttribute("data-count", "1");
    await expect.poll(() => outboxRows(a)).toBe(1);

    // SIGKILL the browser's main process: no unload, no goodbye.
    killBrowserProcess(userDataDir);
    await context.close().catch(() => {});

    context = await launch();
    const again = context.pages()[0] ?? (await context.newPage());
    await again.goto("/");
    // Chromium writes its cookie jar to disk lazily, so a killed browser may have lost the
    // session: then the person signs in again, as they would, and their writes are still there.
    await expect(again.getByTestId("signin-form").or(again.locator(".new-todo"))).toBeVisible();
    if (await again.getByTestId("signin-form").isVisible()) await signIn(again, email);
    await expect(labels(again)).toHaveText(["written before the crash"]);
    await expectSettled(again);
    await expect(labels(b)).toHaveText(["written before the crash"]);
    await expectStillExactly(b, ["written before the crash"]);
    await context.close();
  } finally {
    rmSync(userDataDir, { recursive: true, force: true });
  }
});

/** How many writes the outbox in this browser's IndexedDB holds. */
function outboxRows(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open("tandem");
        open.onsuccess = () => {
          const count = open.result.transaction("outbox").objectStore("outbox").count();
          count.onsuccess = () => resolve(count.result);
        };
      }),
  );
}

/** The pid of the Chromium started on this profile (not its helpers, which carry --type=), killed with SIGKILL. */
function killBrowserProcess(userDataDir: string): void {
  const lines = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" }).split("\n");
  const main = lines.find((line) => line.includes(`--user-data-dir=${userDataDir}`) && !line.includes("--type="));
  const pid = Number(main?.trim().split(/\s+/)[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no browser process for ${userDataDir}`);
  process.kill(pid, "SIGKILL");
}

test("server down: edit, reload, start the server: the writes arrive", async ({ page, newDevice, server }) => {
  test.setTimeout(120_000);
  const { a, b } = await twoDevices(page, newDevice);
  await addTodo(a, "before the outage");
  await expectSettled(a);
  await expectKeptList(a, ["before the outage"]);
  await expect(labels(b)).toHaveText(["before the outage"]);

  // The app shell as a service worker would serve it, while the server is down.
  const shell = await a.context().request.get("/");
  const html = await shell.text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? "");
  const bodies = await Promise.all(assets.map(async (asset) => ({ asset, response: await a.context().request.get(asset) })));
  for (const { asset, response } of bodies) {
    const body = await response.body();
    const contentType = response.headers()["content-type"] ?? "";
    await a.context().route(`**${asset}`, (route) => route.fulfill({ body, contentType }));
  }
  await a.context().route((url) => url.pathname === "/", (route) => route.fulfill({ body: html, contentType: "text/html" }));

  await server.stop();
  try {
    await item(a, "before the outage").getByTestId("todo-title").dblclick();
    await a.locator(".edit").fill("edited while the server was down");
    await a.locator(".edit").press("Enter");
    await addTodo(a, "added while the server was down");
    await expect(pendingCount(a)).toHaveAttribute("data-count", "2");

    await a.reload();
    await expect(labels(a)).toHaveText(["edited while the server was down", "added while the server was down"]);
    await expect(a.getByTestId("cached-list")).toBeVisible();
    await expect(pendingCount(a)).toHaveAttribute("data-count", "2");
  } finally {
    await server.start();
  }
  // The connection retries on its backoff (capped), so coming back may take a while.
  await expect(status(a)).toHaveAttribute("data-status", "live", { timeout: 45_000 });
  await expectSettled(a);
  await expect(a.getByTestId("cached-list")).toBeHidden();
  const final = ["edited while the server was down", "added while the server was down"];
  await expect(labels(b)).toHaveText(final);
  await expectStillExactly(b, final);
});

test("start-up with the server unreachable shows the kept list at once, marked not live", async ({ page }) => {
  await signUp(page);
  for (const text of ["kept", "also kept"]) await addTodo(page, text);
  await item(page, "also kept").locator(".toggle").check();
  await expectSettled(page);
  await expectKeptList(page, ["kept", "also kept ✓"]);

  await blockApi(page.context());
  await page.reload();
  await expect(labels(page)).toHaveText(["kept", "also kept"]);
  await expect(item(page, "also kept")).toHaveClass("completed");
  await expect(page.getByTestId("cached-list")).toBeVisible();
  await expect(status(page)).not.toHaveAttribute("data-status", "live");

  await unblockApi(page.context());
  await expect(status(page)).toHaveAttribute("data-status", "live");
  await expect(page.getByTestId("cached-list")).toBeHidden();
  await expect(labels(page)).toHaveText(["kept", "also kept"]);
});

test("two users on one browser in turn: the second never sees the first's pending writes or kept list", async ({ page, newDevice }) => {
  const first = await signUp(page, uniqueEmail("first"));
  await addTodo(page, "first's saved todo");
  await expectSettled(page);
  await expectKeptList(page, ["first's saved todo"]);
  await page.context().setOffline(true);
  await addTodo(page, "first's unsent todo");
  await expect(pendingCount(page)).toHaveAttribute("data-count", "1");

  // The first user's session ends without a sign-out (the cookie is gone), and they walk away.
  await blockApi(page.context());
  await page.context().setOffline(false);
  await page.context().clearCookies();
  await unblockApi(page.context());
  await page.reload();
  await expect(page.getByTestId("signin-form")).toBeVisible();

  // The second user on the same browser: an empty list, nothing pending, nothing of the first's sent.
  await signUp(page, uniqueEmail("second"));
  await expect(items(page)).toHaveCount(0);
  await expect(pendingCount(page)).toHaveAttribute("data-count", "0");
  await expectStillExactly(page, []);
  const firstElsewhere = await newDevice();
  await signIn(firstElsewhere, first);
  await expectStillExactly(firstElsewhere, ["first's saved todo"]);

  // Back on this browser, the first user's unsent change is still theirs, and is sent.
  await page.getByTestId("signout").click();
  await signIn(page, first);
  await expect(labels(page)).toHaveText(["first's saved todo", "first's unsent todo"]);
  await expectSettled(page);
  await expect(labels(firstElsewhere)).toHaveText(["first's saved todo", "first's unsent todo"]);
});

test("a save that would overwrite a newer version asks, and keeps the person's text", async ({ page, newDevice }) => {
  const { a, b } = await twoDevices(page, newDevice);
  // A edits while B renames it: A sees it under the editor, and keeps what it typed.
  await editMeetsChangeElsewhere(a, b);
  await expect(a.locator(".edit")).toHaveValue("my version");

  await a.locator(".edit").press("Enter");
  const failed = a.getByTestId("failed-write");
  await expect(failed).toHaveAttribute("data-code", "conflict");
  await expect(failed).toContainText("their version");
  await expect(labels(a)).toHaveText(["their version"]);
  await failed.getByTestId("failed-overwrite").click();
  await expect(a.getByTestId("failed-writes")).toBeHidden();
  await expect(labels(a)).toHaveText(["my version"]);
  await expect(labels(b)).toHaveText(["my version"]);
});

test("an item deleted elsewhere while being edited keeps the typed text as a new todo", async ({ page, newDevice }) => {
  const { a, b } = await twoDevices(page, newDevice);
  await addTodo(a, "doomed");
  await expect(labels(b)).toHaveText(["doomed"]);
  await item(a, "doomed").getByTestId("todo-title").dblclick();
  await a.locator(".edit").fill("rescued words");
  await item(b, "doomed").hover();
  await item(b, "doomed").locator(".destroy").click();
  await expect(a.getByTestId("edit-note")).toContainText("Deleted on another device");
  await expect(a.locator(".edit")).toHaveValue("rescued words");
  await a.locator(".edit").press("Enter");
  await expect(labels(a)).toHaveText(["rescued words"]);
  await expect(labels(b)).toHaveText(["rescued words"]);
});
