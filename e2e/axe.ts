import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect } from "./fixtures.js";

/**
 * The WCAG 2.2 A and AA rules (and axe's best practices: landmarks, one main, content inside
 * landmarks), as tagged by axe-core.
 */
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/**
 * Scans the page as it is now with axe-core and fails on any serious or critical violation,
 * listing each rule, what it says and the elements at fault. `screen` names the state in the
 * failure message ("list, offline"). Wait for the screen to settle before calling it: axe
 * checks what is rendered, including colour contrast, at that moment.
 */
export async function expectNoSeriousA11yViolations(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = serious.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`);
  expect(report, `serious or critical accessibility violations on the ${screen} screen`).toEqual([]);
}
