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
      errors: { email: "Email is not a valid address", password: "Password must be at least 8 bytes" },
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
  it("shows the server's message and maps its field details", () => {
    const error = new ApiError(400, "validation_failed", "Invalid request", [
      { path: "body.password", message: "password must be at most 72 bytes (UTF-8)" },
    ]);
    expect(describeAuthFailure(error)).toEqual({
      message: "Invalid request",
      fields: { password: "Password must be at most 72 bytes (UTF-8)" },
    });
  });

  it("puts email_taken on the email field too", () => {
    const failure = describeAuthFailure(new ApiError(409, "email_taken", "An account with this email already exists"));
    expect(failure.fields.email).toBe("An account with this email already exists");
  });

  it("adds the wait from Retry-After to a rate limit", () => {
    const failure = describeAuthFailure(new ApiError(429, "too_many_requests", "Too many sign-in attempts.", [], 90));
    expect(failure.message).toBe("Too many sign-in attempts. Try again in 2 minutes.");
  });

  it("explains a network failure", () => {
    expect(describeAuthFailure(new NetworkError()).message).toMatch(/can't reach the server/i);
  });
});
