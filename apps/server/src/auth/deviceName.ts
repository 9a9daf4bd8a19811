import Bowser from "bowser";
import { DEVICE_NAME_MAX } from "@tandem/protocol";

/** What a session is called when its User-Agent says nothing we can read. */
export const UNKNOWN_DEVICE_NAME = "Unknown browser";

/**
 * A readable name for a browser session from its User-Agent ("Chrome on Linux", "Safari on
 * iOS"), read by bowser, a maintained parser, rather than by regular expressions of our own. The
 * person can rename it; the header is never stored.
 */
export function deviceName(userAgent: string | undefined): string {
  if (userAgent === undefined || userAgent.trim() === "") return UNKNOWN_DEVICE_NAME;
  const parsed = Bowser.parse(userAgent);
  const browser = parsed.browser.name;
  const os = parsed.os.name;
  const name = browser && os ? `${browser} on ${os}` : browser || os || UNKNOWN_DEVICE_NAME;
  return name.slice(0, DEVICE_NAME_MAX);
}
