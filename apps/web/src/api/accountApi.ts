import {
  CreateTokenResponse,
  DeviceListResponse,
  DeviceResponse,
  TokenListResponse,
  type ChangePasswordBody,
  type CreateTokenBody,
  type DeleteAccountBody,
  type Device,
  type TokenInfo,
} from "@tandem/protocol";
import type { HttpClient } from "./http";

/** The signed-in user's own account: devices, password, API tokens, and the account itself. */
export interface AccountApi {
  devices(): Promise<Device[]>;
  renameDevice(id: string, name: string): Promise<Device>;
  /** Revokes one device: its requests answer 401 and its sockets close (4001). */
  revokeDevice(id: string): Promise<void>;
  /** Revokes every device but this one. */
  revokeOtherDevices(): Promise<void>;
  /** Every other session and token is revoked; this session goes on under a new cookie. */
  changePassword(body: ChangePasswordBody): Promise<void>;
  deleteAccount(body: DeleteAccountBody): Promise<void>;
  tokens(): Promise<TokenInfo[]>;
  createToken(body: CreateTokenBody): Promise<CreateTokenResponse>;
  revokeToken(id: string): Promise<void>;
}

/** A plain link downloads the export: the browser sends the cookie and saves the attachment. */
export const EXPORT_URL = "/api/account/export";

export function createAccountApi(http: HttpClient): AccountApi {
  const device = (id: string) => `/api/account/devices/${encodeURIComponent(id)}`;
  const token = (id: string) => `/api/auth/tokens/${encodeURIComponent(id)}`;
  return {
    devices: async () => (await http.json("GET", "/api/account/devices", DeviceListResponse)).devices,
    renameDevice: async (id, name) => (await http.json("PATCH", device(id), DeviceResponse, { name })).device,
    revokeDevice: (id) => http.empty("DELETE", device(id)),
    revokeOtherDevices: () => http.empty("DELETE", "/api/account/devices"),
    changePassword: (body) => http.empty("POST", "/api/account/password", body),
    deleteAccount: (body) => http.empty("DELETE", "/api/account", body),
    tokens: async () => (await http.json("GET", "/api/auth/tokens", TokenListResponse)).tokens,
    createToken: (body) => http.json("POST", "/api/auth/tokens", CreateTokenResponse, body),
    revokeToken: (id) => http.empty("DELETE", token(id)),
  };
}
