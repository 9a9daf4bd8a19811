import { SignOutReason } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import { SESSION_ENDED, signOutMessage } from "./signOutMessage";

describe("signOutMessage", () => {
  it("says why the server ended the session", () => {
    expect(signOutMessage(SignOutReason.DEVICE_REVOKED)).toBe("You were signed out from another device.");
    expect(signOutMessage(SignOutReason.PASSWORD_CHANGED)).toMatch(/password was changed on another device/);
    expect(signOutMessage(SignOutReason.ACCOUNT_DELETED)).toBe("Your account was deleted.");
    expect(signOutMessage(SignOutReason.SESSION_EXPIRED)).toMatch(/session expired/);
  });

  it("has a sentence for every reason a browser session can be given", () => {
    const forSessions = Object.values(SignOutReason).filter((reason) => reason !== SignOutReason.TOKEN_EXPIRED);
    for (const reason of forSessions) expect(signOutMessage(reason)).not.toBe(SESSION_ENDED);
  });

  it("falls back to the general sentence for no reason or one it does not know", () => {
    expect(signOutMessage(null)).toBe(SESSION_ENDED);
    expect(signOutMessage("solar flare")).toBe(SESSION_ENDED);
    expect(signOutMessage("toString")).toBe(SESSION_ENDED);
  });
});
