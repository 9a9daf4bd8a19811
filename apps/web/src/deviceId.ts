import { DEVICE_ID_PATTERN } from "@tandem/protocol";
import { randomId } from "./randomId";

/** Where this tab keeps its device id. */
export const DEVICE_ID_KEY = "tandem.deviceId";

/** The part of the Web Storage API the device id needs, so tests can pass a Map-backed one. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * The id this tab sends as `X-Device-Id`, so the server can stamp every change with its writer
 * and this tab can recognise (and skip) the echoes of its own writes.
 *
 * One id per tab, even though the tabs of a browser share one socket (sync/socketLeader.ts): an
 * echo may only be skipped by the tab that wrote the change, because only that tab already shows
 * it and reconciles it from the HTTP answer. With one id per browser, every tab would skip its
 * sibling tabs' changes too (docs/protocol.md §8).
 *
 * It lives in sessionStorage, which is per tab, and survives a reload so a
 * reloaded tab stays the same device. A *duplicated* tab, however, starts with a copy of the
 * original's sessionStorage, and two live tabs sharing one id would each ignore the other's
 * changes. Browsers report a duplicated tab's navigation as "back_forward" (it restores the
 * original's history), so the stored id is kept only on a "reload"; every other kind of page
 * load (navigate, back_forward, prerender) mints a fresh id. Minting more often than needed is
 * harmless: the id only has to be stable for the life of one page, because each page load
 * refetches the list before it follows live changes.
 */
export function resolveDeviceId(
  storage: KeyValueStorage | null,
  navigationType: string | undefined,
  makeId: () => string = () => `web-${randomId()}`,
): string {
  const stored = storage?.getItem(DEVICE_ID_KEY) ?? null;
  if (navigationType === "reload" && stored !== null && DEVICE_ID_PATTERN.test(stored)) return stored;
  const fresh = makeId();
  try {
    storage?.setItem(DEVICE_ID_KEY, fresh);
  } catch {
    // Storage can be full or disabled (some private modes): the id then lasts for this page only.
  }
  return fresh;
}

/** Reads the browser's sessionStorage and navigation type; call once, at boot. */
export function browserDeviceId(): string {
  let storage: KeyValueStorage | null = null;
  try {
    storage = window.sessionStorage;
  } catch {
    // Accessing sessionStorage throws when storage is blocked for this origin.
  }
  const entry = performance.getEntriesByType("navigation")[0];
  const navigationType = entry instanceof PerformanceNavigationTiming ? entry.type : undefined;
  return resolveDeviceId(storage, navigationType);
}
