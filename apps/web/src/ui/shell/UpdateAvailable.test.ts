import { isValidElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { UpdateAvailable } from "./UpdateAvailable";

/** The elements of a rendered tree whose tag is `type` (components here render plain tags only). */
function elementsOfType(node: ReactNode, type: string): Array<{ props: Record<string, unknown> }> {
  if (!isValidElement<{ children?: ReactNode } & Record<string, unknown>>(node)) {
    return Array.isArray(node) ? node.flatMap((child: ReactNode) => elementsOfType(child, type)) : [];
  }
  const own = node.type === type ? [{ props: node.props }] : [];
  return [...own, ...elementsOfType(node.props.children, type)];
}

describe("UpdateAvailable", () => {
  it("says calmly that a newer version is available, as a status rather than an alert", () => {
    const html = renderToStaticMarkup(UpdateAvailable({ onReload: () => {} }));
    expect(html).toContain("A newer version of Tandem is available.");
    expect(html).toContain('role="status"');
    expect(html).not.toContain('role="alert"');
    expect(html).toMatch(/<button[^>]*>Reload<\/button>/);
  });

  it("reloads when its Reload button is pressed", () => {
    let reloads = 0;
    const [button, ...others] = elementsOfType(UpdateAvailable({ onReload: () => (reloads += 1) }), "button");
    expect(others).toEqual([]);
    const onClick = button?.props.onClick;
    if (typeof onClick !== "function") throw new Error("the Reload button has no click handler");
    onClick();
    expect(reloads).toBe(1);
  });
});
