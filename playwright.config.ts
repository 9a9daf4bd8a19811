import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests in a real browser against the real, built server. Each worker starts its own
 * server on a free port with a temporary data dir (see e2e/fixtures.ts), and every test signs up
 * its own user, so tests run in parallel safely; a test that restarts the server (resilience)
 * only ever restarts its own worker's. Each browser context in a test is one device.
 *
 * Browser: Debian's Chromium at /usr/bin/chromium when present (Playwright cannot download its
 * own browser on our machines), else Playwright's own Chromium on a developer's machine.
 */
const SYSTEM_CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const executablePath = existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined;

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  fullyParallel: false,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    // A failed test keeps its trace (actions, console, network) and a screenshot. DOM snapshots
    // at every action made the whole suite about a quarter slower, so the trace goes without them.
    trace: { mode: "retain-on-failure", snapshots: false, screenshots: false },
    screenshot: "only-on-failure",
    actionTimeout: 10_000,
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          ...(executablePath ? { executablePath } : {}),
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
          ],
        },
      },
    },
  ],
});
