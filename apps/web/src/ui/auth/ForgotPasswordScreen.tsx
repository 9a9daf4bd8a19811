import { Email } from "@tandem/protocol";
import { useState, type FormEvent } from "react";
import { useServices } from "../AppContext";
import { FormAlert } from "../FormAlert";
import { RouteLink } from "../RouteLink";
import { useAsyncAction } from "../useAsyncAction";
import { useFocusOnMount } from "../useFocusOnMount";
import { checkField } from "./fieldError";
import { ResetRequested } from "./ResetRequested";
import { TextField } from "./TextField";

/** Asks for a reset link. The answer never says whether the email has an account. */
export function ForgotPasswordScreen() {
  const { account } = useServices();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [email, setEmail] = useState("");
  const [invalid, setInvalid] = useState<string | undefined>();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const request = useAsyncAction();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = checkField(Email, email, "Enter your email address.");
    setInvalid(checked.ok ? undefined : checked.error);
    if (checked.ok)
      void request.run(() =>
        account.requestPasswordReset({ email: checked.value }).then(() => setSentTo(checked.value)),
      );
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
        {sentTo !== null ? (
          <ResetRequested email={sentTo} />
        ) : (
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
              error={invalid}
              onChange={setEmail}
            />
            <FormAlert message={request.error} />
            <button className="primary" type="submit" disabled={request.pending}>
              {request.pending ? "Sending…" : "Send reset link"}
            </button>
          </>
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
