import type { Page } from "@playwright/test";
import { addTodo, expect, expectSettled, labels, pendingCount, signUp, status, test } from "./fixtures.js";

/** What a person sees while the server is down, and that nothing in the header is ever cut off. */

// Stops and starts a server, and signs up through the UI: give it room on a busy machine.
test.slow();

test("a stopped server: the status says for how long, that changes are kept, and Try now reconnects", async ({ page, server }) => {
  await signUp(page);
  await addTodo(page, "before the outage");
  await expectSettled(page);

  await server.stop();
  try {
    await expect(status(page)).toHaveAttribute("data-status", "reconnecting");
    const outage = page.getByTestId("outage");
    await expect(outage.getByTestId("outage-duration")).toHaveText(/^Can't reach the server for \d+ seconds?\.$/);
    await addTodo(page, "during the outage");
    await expect(outage).toContainText("1 change is kept on this device and sent when the connection is back.");
    await expect(pendingCount(page)).toHaveText("1 change waiting to sync");
    // While the server is down the notice stays, so the click is certain to land: it tries the
    // server at once (the reconnect wait's skip itself is unit-tested in Reconnector.test.ts).
    const attempt = page.waitForRequest((request) => /^\/api\/(websocket|todos)/.test(new URL(request.url()).pathname));
    await page.getByTestId("try-now").click();
    await attempt;
  } finally {
    await server.start();
  }
  await expect(status(page)).toHaveAttribute("data-status", "live");
  await expect(page.getByTestId("outage")).toHaveCount(0);
  await expectSettled(page);
  await page.reload();
  await expect(labels(page)).toHaveText(["before the outage", "during the outage"]);
});

/** Every element of the header that is cut off, or reaches past the window's edges. */
function clippedInHeader(page: Page): Promise<string[]> {
  return page.getByTestId("topbar").evaluate((header) => {
    const problems: string[] = [];
    for (const element of [header, ...header.querySelectorAll<HTMLElement>("*")]) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      const name = `${element.tagName.toLowerCase()}.${element.className} “${element.textContent?.slice(0, 40) ?? ""}”`;
      if (box.left < 0 || box.right > window.innerWidth + 0.5) problems.push(`${name} reaches past the window`);
      const style = getComputedStyle(element);
      if (element.scrollWidth > element.clientWidth + 1 && (style.overflowX !== "visible" || style.textOverflow !== "clip")) {
        problems.push(`${name} is cut off`);
      }
    }
    return problems;
  });
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test(`nothing in the header is cut off at ${viewport.width} px, even offline with changes waiting`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await signUp(page, `someone.with.a.longer.name-${Date.now().toString(36)}@example.com`);
    expect(await clippedInHeader(page)).toEqual([]);

    await page.context().setOffline(true);
    for (const text of ["one", "two", "three"]) await addTodo(page, text);
    await expect(pendingCount(page)).toHaveText("3 changes waiting to sync");
    await expect(page.getByTestId("outage")).toBeVisible();
    expect(await clippedInHeader(page)).toEqual([]);
    await page.context().setOffline(false);
    await expectSettled(page);
  });
}
