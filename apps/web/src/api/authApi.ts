import {
  UserResponse,
  type Credentials,
  type LoginBody,
  type PasswordResetConfirmBody,
  type PasswordResetRequestBody,
  type User,
} from "@tandem/protocol";
import { isUnauthorized } from "./errors";
import type { HttpClient } from "./http";

export interface AuthApi {
  /** The signed-in user, or null when the session cookie is missing or expired. */
  me(): Promise<User | null>;
  signUp(body: Credentials): Promise<User>;
  signIn(body: LoginBody): Promise<User>;
  signOut(): Promise<void>;
  /** Always succeeds for a well-formed email: the server never says whether it has an account. */
  requestPasswordReset(body: PasswordResetRequestBody): Promise<void>;
  /** Spends the emailed token; every session and token of the account is signed out. */
  confirmPasswordReset(body: PasswordResetConfirmBody): Promise<void>;
}

export function createAuthApi(http: HttpClient): AuthApi {
  return {
    async me() {
      try {
        return (await http.json("GET", "/api/auth/me", UserResponse)).user;
      } catch (error) {
        if (isUnauthorized(error)) return null;
        throw error;
      }
    },
    signUp: async (body) => (await http.json("POST", "/api/auth/signup", UserResponse, body)).user,
    signIn: async (body) => (await http.json("POST", "/api/auth/login", UserResponse, body)).user,
    signOut: () => http.empty("POST", "/api/auth/logout"),
    requestPasswordReset: (body) => http.empty("POST", "/api/auth/password-reset", body),
    confirmPasswordReset: (body) => http.empty("POST", "/api/auth/password-reset/confirm", body),
  };
}
