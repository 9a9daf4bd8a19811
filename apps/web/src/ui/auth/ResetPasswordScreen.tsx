import { Password, PASSWORD_MIN_BYTES } from "@tandem/protocol";
import { useState, type FormEvent } from "react";
import { describeAccountFailure, LINK_SPENT } from "../account/accountFailure";
import { useServices } from "../AppContext";
import { FormAlert } from "../FormAlert";
import { RouteLink } from "../RouteLink";
import { useAsyncAction } from "../useAsyncAction";
import { useFocusOnMount } from "../useFocusOnMount";
import { checkField } from "./fieldError";
import { ResetDone } from "./ResetDone";
import { TextField } from "./TextField";

/** The page an emailed reset link opens: choose a new password, then sign in with it. */
export function ResetPasswordScreen({ token }: { token: string }) {
  const { account } = useServices();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [password, setPassword] = useState("");
  const [invalid, setInvalid] = useState<string | undefined>();
  const [done, setDone] = useState(false);
  const reset = useAsyncAction(describeAccountFailure);
  // A link without its token (cut short by a mail client) is as good as a spent one.
  const spent = token === "" || reset.error === LINK_SPENT;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = checkField(Password, password, "Choose a new password.");
    setInvalid(checked.ok ? undefined : checked.error);
    if (checked.ok && !spent)
      void reset.run(() =>
        account.confirmPasswordReset({ token, newPassword: checked.value }).then(() => setDone(true)),
      );
  }

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
              error={invalid}
              hint={`At least ${PASSWORD_MIN_BYTES} characters.`}
              onChange={setPassword}
            />
            <FormAlert message={spent ? LINK_SPENT : reset.error} />
            <button className="primary" type="submit" disabled={reset.pending || spent}>
              {reset.pending ? "Saving…" : "Set new password"}
            </button>
          </>
        )}
        <p className="auth-switch">
          {spent ? (
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
