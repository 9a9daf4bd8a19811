import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";
import { freePort } from "@tandem/testkit";
import { startServerProcess, type ServerProcess } from "../apps/server/test/serverProcess.js";
import { Mailbox } from "../apps/server/test/mailbox.js";

/** The real, built server for one worker: its own port and data dir; restartable on the same port. */
export interface E2EServer {
  url: string;
  /** SIGTERMs the process and starts a new one on the same port and data dir (a deploy, a crash). */
  restart(): Promise<void>;
  /** Every line the current process has logged (JSON), for what only the server can observe. */
  logLines(): readonly string[];
  /** SIGTERMs the process and leaves it down (an outage) until `start()`. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data dir after `stop()`. */
  start(): Promise<void>;
}

/** Worker options: a spec that reads the server's debug log sets `test.use({ serverLogLevel: "debug" })`. */
export interface ServerOptions {
  serverLogLevel: "info" | "debug";
  /** The web app the server serves (WEB_DIST_DIR); the built apps/web/dist when empty. */
  webDistDir: string;
}

/** Opens a page in a fresh browser context: another device, with its own cookies and storage. */
export type NewDevice = () => Promise<Page>;

export const test = base.extend<
  { server: E2EServer; newDevice: NewDevice; mailbox: Mailbox },
  { workerServer: E2EServer; workerMailbox: Mailbox } & ServerOptions
>({
  serverLogLevel: ["info", { scope: "worker", option: true }],
  webDistDir: ["", { scope: "worker", option: true }],
  // The server's mail (password-reset links) goes to a real SMTP server on loopback.
  workerMailbox: [
    // Playwright reads a fixture's dependencies from its first parameter, so it must be a pattern.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const mailbox = await Mailbox.start();
      await use(mailbox);
      await mailbox.close();
    },
    { scope: "worker" },
  ],
  workerServer: [
    async ({ workerMailbox, serverLogLevel, webDistDir }, use) => {
      const dataDir = mkdtempSync(path.join(tmpdir(), "tandem-e2e-"));
      const port = await freePort();
      const env = {
        PORT: String(port),
        DATA_DIR: dataDir,
        LOG_LEVEL: serverLogLevel,
        ...(webDistDir ? { WEB_DIST_DIR: webDistDir } : {}),
        SESSION_SECRET: "e2e-session-secret-0123456789abcdef",
        // Every test signs up at least once: at the default cost (12) each sign-up's hash takes a
        // core for a quarter of a second or more. The cost is the server's business, tested there.
        BCRYPT_COST: "4",
        SIGNUP_MAX_PER_IP_PER_HOUR: "10000",
        LOGIN_MAX_FAILURES_PER_IP: "10000",
        LOGIN_MAX_FAILURES_PER_EMAIL_IP: "100",
        SMTP_URL: workerMailbox.url,
        MAIL_FROM: "Tandem <no-reply@tandem.test>",
        // The webhooks spec delivers to an endpoint on loopback.
        WEBHOOK_ALLOW_PRIVATE_TARGETS: "1",
        WEBHOOK_POLL_MS: "200",
      };
      let proc: ServerProcess | null = await startServerProcess(env);
      const url = proc.url;
      const server: E2EServer = {
        url,
        async restart() {
          await server.stop();
          await server.start();
        },
        async stop() {
          await proc?.kill("SIGTERM");
          proc = null;
        },
        async start() {
          proc ??= await startServerProcess(env);
        },
        logLines: () => proc?.lines ?? [],
      };
      await use(server);
      await proc?.kill("SIGTERM");
      rmSync(dataDir, { recursive: true, force: true });
    },
    { scope: "worker" },
  ],
  server: async ({ workerServer }, use) => use(workerServer),
  mailbox: async ({ workerMailbox }, use) => use(workerMailbox),
  baseURL: async ({ workerServer }, use) => use(workerServer.url),
  // Contexts made with browser.newContext() inherit the project's `use` options (baseURL,
  // viewport), but nothing closes them: this fixture does, after the test.
  newDevice: async ({ browser }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async () => {
      const context = await browser.newContext();
      contexts.push(context);
      return context.newPage();
    });
    await Promise.all(contexts.map((context) => context.close()));
  },
});

export { expect };

let counter = 0;
export function uniqueEmail(prefix = "e2e"): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Date.now().toString(36)}@example.com`;
}

export const PASSWORD = "correct horse battery";

/** Signs up through the UI and waits until the list screen is live. */
export async function signUp(page: Page, email = uniqueEmail()): Promise<string> {
  await page.goto("/");
  await page.getByTestId("show-signup").click();
  const form = page.getByTestId("signup-form");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(PASSWORD);
  await form.getByLabel("Password").press("Enter");
  await expect(page.locator(".new-todo")).toBeVisible();
  await expect(page.getByTestId("connection-status")).toHaveText(/Live/);
  return email;
}

/** Signs in through the UI (the account exists) and waits until live. */
export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto("/");
  const form = page.getByTestId("signin-form");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(password);
  await form.getByLabel("Password").press("Enter");
  await expect(page.locator(".new-todo")).toBeVisible();
  await expect(page.getByTestId("connection-status")).toHaveText(/Live/);
}

export async function addTodo(page: Page, text: string): Promise<void> {
  await page.locator(".new-todo").fill(text);
  await page.locator(".new-todo").press("Enter");
}

export const items = (page: Page) => page.locator(".todo-list li");
export const labels = (page: Page) => page.locator(".todo-list li label");

export const status = (page: Page) => page.getByTestId("connection-status");
export const pendingCount = (page: Page) => page.getByTestId("pending-count");

/** Waits until every write of this device is stored, confirmed, and its socket is live. */
export async function expectSettled(page: Page): Promise<void> {
  await expect(pendingCount(page)).toHaveAttribute("data-recording", "0");
  await expect(pendingCount(page)).toHaveAttribute("data-count", "0");
  await expect(status(page)).toHaveAttribute("data-status", "live");
}

/** Waits until the list this browser keeps for the signed-in user holds exactly `texts` (a completed one as "text ✓"). */
export async function expectKeptList(page: Page, texts: string[]): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          new Promise<string[]>((resolve) => {
            const open = indexedDB.open("tandem");
            open.onsuccess = () => {
              const all = open.result.transaction("lists").objectStore("lists").getAll();
              all.onsuccess = () => resolve((all.result as Array<{ todos: Array<{ text: string; done: boolean }> }>).flatMap((row) => row.todos.map((t) => (t.done ? `${t.text} ✓` : t.text))));
            };
          }),
      ),
    )
    .toEqual(texts);
}

/**
 * Lets a short window pass and checks the list is still exactly `texts`: catches a late echo
 * or a change that should never arrive. The only fixed waits in the suite are these windows.
 */
export async function expectStillExactly(page: Page, texts: string[], windowMs = 500): Promise<void> {
  await page.waitForTimeout(windowMs);
  await expect(labels(page)).toHaveText(texts, { timeout: 1 });
}

/** One user on two devices: `a` signs up (the test's own page), `b` is a fresh context signed in. */
export async function twoDevices(page: Page, newDevice: NewDevice): Promise<{ a: Page; b: Page; email: string }> {
  const email = await signUp(page);
  const b = await newDevice();
  await signIn(b, email);
  return { a: page, b, email };
}

/**
 * Marks the page's current document; `expectNotReloaded` then proves a change arrived live,
 * not through a reload or a navigation (either would drop the mark).
 */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => document.documentElement.setAttribute("data-e2e-mark", "same-document"));
}

export async function expectNotReloaded(page: Page): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute("data-e2e-mark", "same-document", { timeout: 1 });
}

/** The list item whose title is exactly `text`. */
export const item = (page: Page, text: string) =>
  items(page).filter({ has: page.getByTestId("todo-title").getByText(text, { exact: true }) });

/** Opens the account page from the header and waits until the roster has loaded. */
export async function openAccount(page: Page): Promise<void> {
  await page.getByTestId("account-link").click();
  await expect(page.getByTestId("account-page")).toBeVisible();
  await expect(page.getByTestId("roster-summary")).toHaveText(/\d+ devices?, \d+ online now/);
}

/** The roster's rows on the account page; `online` narrows to those with an open socket. */
export const deviceRows = (page: Page, online?: boolean) =>
  page.locator(online === undefined ? '[data-testid="device"]' : `[data-testid="device"][data-online="${online}"]`);

/**
 * A opens "original" for editing and types "my version"; meanwhile B renames it to "their
 * version". Returns once A's editor shows B's change under it (A's text not yet saved).
 */
export async function editMeetsChangeElsewhere(a: Page, b: Page): Promise<void> {
  await addTodo(a, "original");
  await expect(labels(b)).toHaveText(["original"]);
  await item(a, "original").getByTestId("todo-title").dblclick();
  await a.locator(".edit").fill("my version");
  await item(b, "original").getByTestId("todo-title").dblclick();
  await b.locator(".edit").fill("their version");
  await b.locator(".edit").press("Enter");
  await expect(a.getByTestId("edit-note")).toContainText("their version");
}
