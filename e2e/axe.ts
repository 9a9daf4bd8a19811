import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect } from "./fixtures.js";

/**
 * The WCAG 2.2 A and AA rules (and axe's best practices: landmarks, one main, content inside
 * landmarks), as tagged by axe-core.
 */
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/**
 * Rules that axe rates only "moderate" but that WCAG 2.2 AA work here holds to anyway: every
 * screen has one `main`, and no content sits outside a landmark (where a screen reader's
 * landmark navigation cannot reach it).
 */
const LANDMARK_RULES = new Set(["landmark-one-main", "region"]);

/**
 * Scans the page as it is now with axe-core and fails on any serious or critical violation (and
 * on any violation of LANDMARK_RULES),
 * listing each rule, what it says and the elements at fault. `screen` names the state in the
 * failure message ("list, offline"). Wait for the screen to settle before calling it: axe
 * checks what is rendered, including colour contrast, at that moment.
 */
export async function expectNoSeriousA11yViolations(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical" || LANDMARK_RULES.has(v.id));
  const report = serious.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`);
  expect(report, `serious or critical accessibility violations on the ${screen} screen`).toEqual([]);
}
