import { Credentials, LoginBody } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../../api/errors";
import { describeAuthFailure } from "./authFailure";
import { validateCredentials } from "./validateCredentials";

describe("validateCredentials", () => {
  it("passes the schema's normalised body on (trimmed, lower-cased email)", () => {
    expect(validateCredentials(LoginBody, { email: " Ada@Example.COM ", password: "x" })).toEqual({
      ok: true,
      body: { email: "ada@example.com", password: "x" },
    });
  });

  it("uses the sign-up schema's rules and messages, one per field, as sentences", () => {
    const result = validateCredentials(Credentials, { email: "not-an-email", password: "short" });
    expect(result).toEqual({
      ok: false,
      errors: { email: "Email is not a valid address", password: "Password must be at least 8 characters" },
    });
  });

  it("asks plainly for an empty field", () => {
    expect(validateCredentials(LoginBody, { email: "", password: "" })).toEqual({
      ok: false,
      errors: { email: "Enter your email address.", password: "Enter your password." },
    });
  });
});

describe("describeAuthFailure", () => {
  it("says a field's problem under that field only, not again in the form's alert", () => {
    const error = new ApiError(400, "validation_failed", "the request body is not valid", [
      { path: "password", message: "password is one of the most common passwords, which are guessed first; choose another" },
    ]);
    expect(describeAuthFailure(error)).toEqual({
      message: null,
      fields: { password: "Password is one of the most common passwords, which are guessed first; choose another" },
    });
  });

  it("reports a taken email once, under the email field", () => {
    const failure = describeAuthFailure(new ApiError(409, "email_taken", "an account with this email already exists"));
    expect(failure).toEqual({ message: null, fields: { email: "An account with this email already exists" } });
  });

  it("says a lock-out's wait once, as the server worded it", () => {
    const failure = describeAuthFailure(new ApiError(429, "too_many_requests", "too many attempts, try again in 15 minutes", [], 895));
    expect(failure.message).toBe("Too many attempts, try again in 15 minutes");
  });

  it("explains a network failure", () => {
    expect(describeAuthFailure(new NetworkError()).message).toMatch(/can't reach the server/i);
  });
});
