import type { BrowserContext, Page } from "@playwright/test";
import { addTodo, expect, expectSettled, expectStillExactly, labels, signIn, signUp, status, test, type E2EServer } from "./fixtures.js";

/**
 * Tabs of one browser (one context) signed in as one user share one socket: the tab holding the
 * Web Lock opens it and passes what it receives to the others over a BroadcastChannel. What the
 * server holds is read from the server's own log: the gateway logs every socket it opens (with
 * its tags) and closes, at debug level.
 */
test.use({ serverLogLevel: "debug" });

interface LogLine {
  msg?: string;
  socketId?: string;
  tags?: string[];
}

/** The ids of the sockets the server holds open for `userId`, from its log. */
function openSockets(server: E2EServer, userId: string): string[] {
  const open = new Set<string>();
  for (const text of server.logLines()) {
    if (!text.includes('"socket ')) continue;
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      continue;
    }
    if (line.msg === "socket opened" && line.socketId && line.tags?.includes(`user:${userId}`)) open.add(line.socketId);
    if (line.msg === "socket closed" && line.socketId) open.delete(line.socketId);
  }
  return [...open];
}

async function userIdOf(page: Page): Promise<string> {
  const body = await page.evaluate(async () => (await fetch("/api/auth/me")).json());
  const id = (body as { user?: { id?: unknown } }).user?.id;
  if (typeof id !== "string") throw new Error(`no user in ${JSON.stringify(body)}`);
  return id;
}

async function openTab(context: BrowserContext): Promise<Page> {
  const tab = await context.newPage();
  await tab.goto("/");
  await expect(tab.locator(".new-todo")).toBeVisible();
  await expect(status(tab)).toHaveAttribute("data-status", "live");
  return tab;
}

/** Three tabs of one browser, live, and a phone (another browser) signed in as the same user. */
async function threeTabsAndAPhone(page: Page, newDevice: () => Promise<Page>) {
  const email = await signUp(page);
  const tabs = [page, await openTab(page.context()), await openTab(page.context())];
  const phone = await newDevice();
  await signIn(phone, email);
  return { tabs, phone, userId: await userIdOf(page) };
}

test("three tabs of one browser hold one socket, and every tab shows every change from another device", async ({
  page,
  newDevice,
  server,
}) => {
  // Four pages in two browsers: more than the default minute on a busy machine.
  test.slow();
  const { tabs, phone, userId } = await threeTabsAndAPhone(page, newDevice);
  // The phone is a browser of its own: two sockets for this user in all, one of them this browser's.
  await expect.poll(() => openSockets(server, userId).length).toBe(2);

  await addTodo(phone, "from the phone");
  for (const tab of tabs) await expect(labels(tab)).toHaveText(["from the phone"]);
  await addTodo(tabs[1]!, "from the second tab");
  for (const tab of [...tabs, phone]) await expect(labels(tab)).toHaveText(["from the phone", "from the second tab"]);
  await addTodo(tabs[2]!, "from the third tab");
  for (const tab of [...tabs, phone]) await expect(labels(tab)).toHaveText(["from the phone", "from the second tab", "from the third tab"]);

  for (const tab of [...tabs, phone]) await expectSettled(tab);
  await expectStillExactly(tabs[0]!, ["from the phone", "from the second tab", "from the third tab"]);
  for (const tab of [...tabs.slice(1), phone]) {
    await expectStillExactly(tab, ["from the phone", "from the second tab", "from the third tab"], 0);
  }
  expect(openSockets(server, userId)).toHaveLength(2);
});

test("closing the leader tab hands the socket over without losing a change made meanwhile", async ({ page, newDevice, server }) => {
  // Four pages in two browsers: more than the default minute on a busy machine.
  test.slow();
  const { tabs, phone, userId } = await threeTabsAndAPhone(page, newDevice);
  const [leader, second, third] = tabs as [Page, Page, Page];
  await addTodo(phone, "before");
  for (const tab of tabs) await expect(labels(tab)).toHaveText(["before"]);
  await expect.poll(() => openSockets(server, userId).length).toBe(2);
  const before = openSockets(server, userId);

  // Hold the next socket grant until the phone's change has landed, so that change is made
  // exactly while no tab of this browser has a socket: only a replay from the last seq brings it.
  let releaseGrant: () => void = () => {};
  const grantHeld = new Promise<void>((resolve) => (releaseGrant = resolve));
  let grantsAsked = 0;
  await page.context().route(/\/api\/websocket\b/, async (route) => {
    grantsAsked += 1;
    await grantHeld;
    await route.continue();
  });

  await leader.close();
  await expect.poll(() => grantsAsked).toBe(1);
  // The leader's socket is gone; the phone's is the only one left.
  await expect.poll(() => openSockets(server, userId).length).toBe(1);
  await addTodo(phone, "during the hand-over");
  await expectSettled(phone);
  releaseGrant();

  for (const tab of [second, third]) {
    await expect(labels(tab)).toHaveText(["before", "during the hand-over"]);
    await expect(status(tab)).toHaveAttribute("data-status", "live");
  }
  await expect.poll(() => openSockets(server, userId).length).toBe(2);
  const after = openSockets(server, userId);
  expect(after.filter((id) => !before.includes(id))).toHaveLength(1);

  // The new leader goes on serving both remaining tabs.
  await addTodo(phone, "after");
  for (const tab of [second, third]) await expect(labels(tab)).toHaveText(["before", "during the hand-over", "after"]);
  expect(grantsAsked).toBe(1);
  await expectStillExactly(second, ["before", "during the hand-over", "after"]);
  await expectStillExactly(third, ["before", "during the hand-over", "after"], 0);
});
