import { TOKEN_EXPIRY_MAX_DAYS } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import { checkTokenForm, DAYS_RULE } from "./tokenForm";

const valid = { email: "ada@example.com", name: " Phone app ", days: "30", password: "correct horse" };

describe("checkTokenForm", () => {
  it("builds the request body, trimmed, with the lifetime as a number", () => {
    expect(checkTokenForm(valid)).toEqual({
      ok: true,
      body: { email: "ada@example.com", name: "Phone app", expiresInDays: 30, password: "correct horse" },
    });
  });

  it("asks plainly for empty fields", () => {
    expect(checkTokenForm({ ...valid, name: " ", days: "", password: "" })).toEqual({
      ok: false,
      errors: {
        name: "Give the token a name.",
        expiresInDays: "Say after how many days it expires.",
        password: "Enter your password.",
      },
    });
  });

  it("uses the protocol's rule for the lifetime: whole days, 1 to the maximum", () => {
    for (const days of ["0", "1.5", String(TOKEN_EXPIRY_MAX_DAYS + 1), "soon"]) {
      const result = checkTokenForm({ ...valid, days });
      expect(result).toEqual({ ok: false, errors: { expiresInDays: DAYS_RULE } });
    }
    expect(checkTokenForm({ ...valid, days: String(TOKEN_EXPIRY_MAX_DAYS) }).ok).toBe(true);
  });
});
