import { Credentials, LoginBody, PASSWORD_MIN_CHARS } from "@tandem/protocol";
import { useState } from "react";
import { useAppState, useServices } from "../AppContext";
import { RouteLink } from "../RouteLink";
import { AuthForm } from "./AuthForm";

/** Signed out: sign in, or create an account. Never shows anything of a list. */
export function AuthScreen() {
  const { account } = useServices();
  const [mode, setMode] = useState<"signin" | "signup">("signin");
  const signedOutMessage = useAppState((state) => state.signedOutMessage);

  return (
    <main className="auth">
      <h1 className="brand">Tandem</h1>
      <p className="tagline">Your list, live on every device you sign in on.</p>
      {signedOutMessage && (
        // An alert: screen readers announce it as it appears, with the screen itself.
        <p className="auth-message" role="alert" data-testid="signed-out-message">
          {signedOutMessage}
        </p>
      )}
      {mode === "signin" ? (
        <AuthForm
          key="signin"
          kind="signin"
          title="Sign in"
          submitLabel="Sign in"
          pendingLabel="Signing in…"
          passwordAutoComplete="current-password"
          schema={LoginBody}
          send={(body) => account.signIn(body)}
          passwordAside={
            <RouteLink to={{ name: "forgotPassword" }} testId="forgot-password">
              Forgot password?
            </RouteLink>
          }
          footer={
            <>
              New here?{" "}
              <button type="button" className="link" data-testid="show-signup" onClick={() => setMode("signup")}>
                Create an account
              </button>
            </>
          }
        />
      ) : (
        <AuthForm
          key="signup"
          kind="signup"
          title="Create an account"
          submitLabel="Sign up"
          pendingLabel="Creating account…"
          passwordAutoComplete="new-password"
          passwordHint={`At least ${PASSWORD_MIN_CHARS} characters. Not a common password, nor your email.`}
          schema={Credentials}
          send={(body) => account.signUp(body)}
          footer={
            <>
              Already have an account?{" "}
              <button type="button" className="link" data-testid="show-signin" onClick={() => setMode("signin")}>
                Sign in
              </button>
            </>
          }
        />
      )}
    </main>
  );
}
