import { Password, PASSWORD_MIN_BYTES } from "@tandem/protocol";
import { useState, type FormEvent } from "react";
import { ApiError, errorMessage } from "../../api/errors";
import { useServices } from "../AppContext";
import { RouteLink } from "../RouteLink";
import { useAsyncAction } from "../useAsyncAction";
import { useFocusOnMount } from "../useFocusOnMount";
import { checkField } from "./fieldError";
import { TextField } from "./TextField";

const LINK_SPENT = "This link can't be used any more: it was used already, or it expired. Ask for a new one.";

function describeFailure(error: unknown): string {
  return error instanceof ApiError && error.code === "invalid_reset_token" ? LINK_SPENT : errorMessage(error);
}

/** The page an emailed reset link opens: choose a new password, then sign in with it. */
export function ResetPasswordScreen({ token }: { token: string }) {
  const { account } = useServices();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [password, setPassword] = useState("");
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [done, setDone] = useState(false);
  const reset = useAsyncAction(describeFailure);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = checkField(Password, password, "Choose a new password.");
    setFieldError(checked.ok ? undefined : checked.error);
    if (!checked.ok) return;
    void reset.run(async () => {
      await account.confirmPasswordReset({ token, newPassword: checked.value });
      setDone(true);
    });
  }

  const spent = token === "" || reset.error === LINK_SPENT;
  return (
    <main className="auth">
      <h1 className="brand">todos</h1>
      <form
        className="auth-card"
        data-testid="reset-password-form"
        aria-labelledby="reset-title"
        noValidate
        onSubmit={submit}
      >
        <h2 id="reset-title" ref={heading} tabIndex={-1}>
          Choose a new password
        </h2>
        {done ? (
          <ResetDone />
        ) : (
          <>
            <TextField
              id="reset-password"
              label="New password"
              type="password"
              autoComplete="new-password"
              value={password}
              error={fieldError}
              hint={`At least ${PASSWORD_MIN_BYTES} characters.`}
              onChange={setPassword}
            />
            {(reset.error ?? (token === "" ? LINK_SPENT : null)) && (
              <p className="auth-error" role="alert" data-testid="auth-error">
                {reset.error ?? LINK_SPENT}
              </p>
            )}
            <button className="primary" type="submit" disabled={reset.pending || token === ""}>
              {reset.pending ? "Saving…" : "Set new password"}
            </button>
          </>
        )}
        <p className="auth-switch">
          {spent && !done ? (
            <RouteLink to={{ name: "forgotPassword" }}>Ask for a new link</RouteLink>
          ) : (
            <RouteLink to={{ name: "todos" }} testId="back-to-signin">
              {done ? "Sign in" : "Back to sign in"}
            </RouteLink>
          )}
        </p>
      </form>
    </main>
  );
}

function ResetDone() {
  const message = useFocusOnMount<HTMLParagraphElement>();
  return (
    <p className="auth-success" role="status" tabIndex={-1} ref={message} data-testid="reset-done">
      Your password was changed, and you were signed out on every device. Sign in with your new password.
    </p>
  );
}
