import { describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../../api/errors";
import { describeAccountFailure, LINK_SPENT, WRONG_PASSWORD } from "./accountFailure";

describe("describeAccountFailure", () => {
  it("names a wrong password and a spent reset link", () => {
    expect(describeAccountFailure(new ApiError(401, "invalid_credentials", "Invalid email or password"))).toBe(
      WRONG_PASSWORD,
    );
    expect(describeAccountFailure(new ApiError(400, "invalid_reset_token", "Invalid or expired link"))).toBe(
      LINK_SPENT,
    );
  });

  it("passes any other refusal on in the server's words", () => {
    expect(describeAccountFailure(new ApiError(409, "limit_reached", "At most 50 tokens"))).toBe("At most 50 tokens");
    expect(describeAccountFailure(new NetworkError())).toMatch(/can't reach the server/i);
  });
});
