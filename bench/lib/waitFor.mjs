import { sleep } from "./clock.mjs";

/**
 * Polls `check` until it returns true, failing after `timeoutMs`, or at once if `alive` says the
 * process being waited for has died (its log tail then explains why).
 *
 * @param {string} what
 * @param {() => Promise<boolean>} check
 * @param {{ timeoutMs: number, alive?: () => boolean, explain?: () => string }} options
 */
export async function waitFor(what, check, { timeoutMs, alive = () => true, explain = () => "" }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive()) throw new Error(`${what}: the process exited\n${explain()}`);
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms\n${explain()}`);
    await sleep(50);
  }
}
