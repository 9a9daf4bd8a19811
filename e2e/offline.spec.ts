import { appendFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";
import { addTodo, expect, expectNotReloaded, expectSettled, labels, markDocument, signIn, signUp, status, test } from "./fixtures.js";

/**
 * The service worker: the app shell opens without a network after one visit, API answers are
 * never cached, and a new build waits for the person to press Reload.
 *
 * This file's server serves a copy of the built app, so a test can publish a "new build" (a
 * changed service worker script, as every deploy makes) without touching apps/web/dist.
 */
const BUILT_APP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../apps/web/dist");

const it = test.extend<object, { webDistDir: string }>({
  webDistDir: [
    // Playwright reads a fixture's dependencies from its first parameter, so it must be a pattern.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const dir = mkdtempSync(path.join(tmpdir(), "tandem-e2e-web-"));
      cpSync(BUILT_APP, dir, { recursive: true });
      await use(dir);
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: "worker" },
  ],
});

/** Waits until the service worker has installed the shell (the first visit's work). */
async function shellCached(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

/** The paths of everything in the page's Cache Storage. */
async function cachedPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
    }
    return paths;
  });
}

it("after one visit the app opens with no network, never from a cached API answer, and syncs once back online", async ({
  page,
  newDevice,
}) => {
  // Two visits, a reload offline and a second browser: more than the default minute.
  it.slow();
  const email = await signUp(page);
  await addTodo(page, "bought while online");
  await expectSettled(page);
  await shellCached(page);
  const paths = await cachedPaths(page);
  expect(paths).toContain("/index.html");
  expect(paths.some((p) => /^\/assets\/.+\.js$/.test(p))).toBe(true);
  expect(paths.some((p) => /^\/assets\/.+\.css$/.test(p))).toBe(true);
  expect(paths.filter((p) => p.startsWith("/api/") || p === "/ws")).toEqual([]);

  await page.context().setOffline(true);
  await page.reload();
  // The app itself answers (its own screen, not the browser's "no internet" page): without a
  // network it cannot check the session, and says so, or shows the list it kept.
  await expect(page.getByTestId("unreachable").or(page.locator(".new-todo"))).toBeVisible();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // An API request offline fails: no stale answer comes out of a cache.
  const apiOffline = await page.evaluate(() => fetch("/api/auth/me").then(() => "answered", () => "failed"));
  expect(apiOffline).toBe("failed");

  await page.context().setOffline(false);
  const unreachable = page.getByTestId("unreachable");
  if (await unreachable.isVisible()) await unreachable.getByRole("button", { name: "Try again" }).click();
  await expect(status(page)).toHaveAttribute("data-status", "live");
  await expect(labels(page)).toHaveText(["bought while online"]);
  await addTodo(page, "added after the network came back");
  const phone = await newDevice();
  await signIn(phone, email);
  await expect(labels(phone)).toHaveText(["bought while online", "added after the network came back"]);
});

it("a new build waits for Reload: the page is not swapped under someone typing", async ({ page, webDistDir }) => {
  await signUp(page);
  await addTodo(page, "kept across the update");
  await expectSettled(page);
  await shellCached(page);
  await markDocument(page);
  await page.locator(".new-todo").fill("half-typed");

  // A deploy: the service worker script changes (its precache list names each file by hash).
  appendFileSync(path.join(webDistDir, "sw.js"), "\n// the next build\n");
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    await registration?.update();
  });

  const prompt = page.getByTestId("new-version");
  await expect(prompt).toBeVisible();
  await expect(prompt).toContainText("new version of Tandem is ready");
  await expectNotReloaded(page);
  await expect(page.locator(".new-todo")).toHaveValue("half-typed");

  await prompt.getByRole("button", { name: "Reload" }).click();
  await expect(page.locator("html")).not.toHaveAttribute("data-e2e-mark", "same-document");
  await expect(status(page)).toHaveAttribute("data-status", "live");
  await expect(labels(page)).toHaveText(["kept across the update"]);
  await expect(page.getByTestId("new-version")).toHaveCount(0);
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBeNull();
});
