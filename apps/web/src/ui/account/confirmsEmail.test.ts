import { describe, expect, it } from "vitest";
import { confirmsEmail } from "./confirmsEmail";

describe("confirmsEmail", () => {
  it("accepts the email typed out, whatever its case and surrounding spaces", () => {
    expect(confirmsEmail("ada@example.com", "ada@example.com")).toBe(true);
    expect(confirmsEmail("  Ada@Example.COM ", "ada@example.com")).toBe(true);
  });

  it("refuses anything else, and never confirms an unknown email", () => {
    expect(confirmsEmail("ada@example.co", "ada@example.com")).toBe(false);
    expect(confirmsEmail("", "ada@example.com")).toBe(false);
    expect(confirmsEmail("", "")).toBe(false);
  });
});
