import { Email } from "@tandem/protocol";
import { useState, type FormEvent } from "react";
import { useServices } from "../AppContext";
import { RouteLink } from "../RouteLink";
import { useAsyncAction } from "../useAsyncAction";
import { useFocusOnMount } from "../useFocusOnMount";
import { checkField } from "./fieldError";
import { TextField } from "./TextField";

/** Asks for a reset link. The answer never says whether the email has an account. */
export function ForgotPasswordScreen() {
  const { account } = useServices();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [email, setEmail] = useState("");
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const request = useAsyncAction();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = checkField(Email, email, "Enter your email address.");
    setFieldError(checked.ok ? undefined : checked.error);
    if (!checked.ok) return;
    void request.run(async () => {
      await account.requestPasswordReset({ email: checked.value });
      setSentTo(checked.value);
    });
  }

  return (
    <main className="auth">
      <h1 className="brand">todos</h1>
      <form
        className="auth-card"
        data-testid="forgot-password-form"
        aria-labelledby="forgot-title"
        noValidate
        onSubmit={submit}
      >
        <h2 id="forgot-title" ref={heading} tabIndex={-1}>
          Reset your password
        </h2>
        {sentTo === null ? (
          <>
            <p className="auth-note">
              Enter the email you signed up with and we'll send you a link to choose a new password.
            </p>
            <TextField
              id="forgot-email"
              label="Email"
              type="email"
              autoComplete="email"
              value={email}
              error={fieldError}
              onChange={setEmail}
            />
            {request.error && (
              <p className="auth-error" role="alert" data-testid="auth-error">
                {request.error}
              </p>
            )}
            <button className="primary" type="submit" disabled={request.pending}>
              {request.pending ? "Sending…" : "Send reset link"}
            </button>
          </>
        ) : (
          <ResetRequested email={sentTo} />
        )}
        <p className="auth-switch">
          <RouteLink to={{ name: "todos" }} testId="back-to-signin">
            Back to sign in
          </RouteLink>
        </p>
      </form>
    </main>
  );
}

/** Replaces the form once sent; focused, so the sentence is read out and the keyboard goes on from it. */
function ResetRequested({ email }: { email: string }) {
  const message = useFocusOnMount<HTMLParagraphElement>();
  return (
    <p className="auth-success" role="status" tabIndex={-1} ref={message} data-testid="reset-requested">
      If an account exists for {email}, we sent it a link to choose a new password. The link works once, for a short
      while: if it has expired, ask for another here.
    </p>
  );
}
