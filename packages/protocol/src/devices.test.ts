import { describe, expect, it } from "vitest";
import {
  ChangePasswordBody,
  CreateTokenBody,
  DEVICE_NAME_MAX,
  ERROR_STATUS,
  PasswordResetConfirmBody,
  RenameDeviceBody,
  ServerMessage,
  SocketMessage,
  TOKEN_EXPIRY_DEFAULT_DAYS,
  TOKEN_EXPIRY_MAX_DAYS,
  devicesMessage,
} from "./index.js";

describe("the devices wire format", () => {
  it("trims a new device name and refuses an empty or overlong one, or extra fields", () => {
    expect(RenameDeviceBody.parse({ name: "  Work laptop " })).toEqual({ name: "Work laptop" });
    expect(RenameDeviceBody.safeParse({ name: "   " }).success).toBe(false);
    expect(RenameDeviceBody.safeParse({ name: "x".repeat(DEVICE_NAME_MAX + 1) }).success).toBe(false);
    expect(RenameDeviceBody.safeParse({ name: "ok", kind: "token" }).success).toBe(false);
  });

  it("gives a token 90 days unless asked, and at most 365 whole days", () => {
    const base = { email: "a@b.co", password: "x", name: "cli" };
    expect(CreateTokenBody.parse(base).expiresInDays).toBe(TOKEN_EXPIRY_DEFAULT_DAYS);
    expect(CreateTokenBody.parse({ ...base, expiresInDays: TOKEN_EXPIRY_MAX_DAYS }).expiresInDays).toBe(365);
    for (const bad of [0, 366, 1.5, "30", null]) {
      expect(CreateTokenBody.safeParse({ ...base, expiresInDays: bad }).success, String(bad)).toBe(false);
    }
  });

  it("holds a new password to the sign-up rules", () => {
    expect(ChangePasswordBody.safeParse({ currentPassword: "x", newPassword: "short" }).success).toBe(false);
    expect(ChangePasswordBody.safeParse({ currentPassword: "x", newPassword: "long enough" }).success).toBe(true);
    expect(PasswordResetConfirmBody.safeParse({ token: "t", newPassword: "😀".repeat(19) }).success).toBe(false);
  });

  it("sends the roster message on the socket, apart from the change stream", () => {
    const message = devicesMessage("online", "dev-1");
    expect(SocketMessage.parse(message)).toEqual({ type: "devices", change: "online", deviceId: "dev-1" });
    expect(ServerMessage.safeParse(message).success).toBe(false);
    expect(SocketMessage.safeParse({ ...message, change: "exploded" }).success).toBe(false);
  });

  it("answers a spent reset link with 400", () => {
    expect(ERROR_STATUS.invalid_reset_token).toBe(400);
  });
});
