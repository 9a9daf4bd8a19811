import { describe, expect, it } from "vitest";
import { AppError } from "../errors.js";
import { assertPasswordAllowed, passwordProblem } from "./passwordRules.js";

describe("passwordProblem", () => {
  it("refuses the commonest passwords, whatever their case", () => {
    for (const password of ["password", "12345678", "Password", "qwertyuiop", "iloveyou"]) {
      expect(passwordProblem(password, "ada@example.com")).toMatch(/most common passwords/);
    }
  });

  it("refuses the account's own email, or the name before its @", () => {
    expect(passwordProblem("Ada.Lovelace@Example.com", "ada.lovelace@example.com")).toBe("password must not be your email address");
    expect(passwordProblem("ada.lovelace", "ada.lovelace@example.com")).toBe("password must not be your email address");
  });

  it("allows a password that is neither", () => {
    expect(passwordProblem("correct horse battery", "ada@example.com")).toBeNull();
  });
});

describe("assertPasswordAllowed", () => {
  it("throws validation_failed with the reason under password", () => {
    let thrown: unknown;
    try {
      assertPasswordAllowed("12345678", "ada@example.com");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: "validation_failed", details: [{ path: "password", message: expect.stringMatching(/common/) }] });
  });
});
