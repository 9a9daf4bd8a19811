import { describe, expect, it } from "vitest";
import { Credentials, utf8Length } from "./auth.js";

describe("Credentials", () => {
  it("trims and lower-cases the email", () => {
    const c = Credentials.parse({ email: "  Ada@Example.COM ", password: "correct horse" });
    expect(c.email).toBe("ada@example.com");
  });

  it("counts the password in UTF-8 bytes, as bcrypt does", () => {
    expect(utf8Length("é")).toBe(2);
    expect(utf8Length("😀")).toBe(4);
    // 18 four-byte characters = 72 bytes: the longest accepted
    expect(Credentials.safeParse({ email: "a@b.co", password: "😀".repeat(18) }).success).toBe(true);
    expect(Credentials.safeParse({ email: "a@b.co", password: "😀".repeat(18) + "x" }).success).toBe(false);
    expect(Credentials.safeParse({ email: "a@b.co", password: "1234567" }).success).toBe(false);
  });

  it("counts the minimum in characters, and says so", () => {
    // Four two-byte characters are 8 bytes but only 4 characters: too short.
    const short = Credentials.safeParse({ email: "a@b.co", password: "éééé" });
    expect(short.success).toBe(false);
    expect(short.error?.issues[0]?.message).toBe("password must be at least 8 characters");
    expect(Credentials.safeParse({ email: "a@b.co", password: "éééééééé" }).success).toBe(true);
  });

  it("refuses unknown fields and non-string values", () => {
    expect(Credentials.safeParse({ email: "a@b.co", password: "12345678", admin: true }).success).toBe(false);
    expect(Credentials.safeParse({ email: { $gt: "" }, password: "12345678" }).success).toBe(false);
  });
});
