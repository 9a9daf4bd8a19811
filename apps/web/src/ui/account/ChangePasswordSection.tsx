import { Password, PASSWORD_MIN_BYTES } from "@tandem/protocol";
import { useState, type FormEvent } from "react";
import { ApiError, errorMessage } from "../../api/errors";
import { checkField } from "../auth/fieldError";
import { TextField } from "../auth/TextField";
import { useServices } from "../AppContext";
import { useAsyncAction } from "../useAsyncAction";

const WRONG_PASSWORD = "That is not your current password.";
const describe = (error: unknown) =>
  error instanceof ApiError && error.code === "invalid_credentials" ? WRONG_PASSWORD : errorMessage(error);

/** Changing the password signs out every other device and token; this tab stays signed in. */
export function ChangePasswordSection() {
  const { account } = useServices();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [nextError, setNextError] = useState<string | undefined>();
  const [currentEmpty, setCurrentEmpty] = useState(false);
  const [done, setDone] = useState(false);
  const change = useAsyncAction(describe);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(false);
    const checked = checkField(Password, next, "Choose a new password.");
    setNextError(checked.ok ? undefined : checked.error);
    setCurrentEmpty(current === "");
    if (!checked.ok || current === "") return;
    void change.run(async () => {
      await account.changePassword({ currentPassword: current, newPassword: checked.value });
      setCurrent("");
      setNext("");
      setDone(true);
    });
  }

  // A wrong current password belongs to its field; anything else to the form.
  const wrong = change.error === WRONG_PASSWORD;
  const currentError = currentEmpty ? "Enter your current password." : wrong ? WRONG_PASSWORD : undefined;
  return (
    <section className="account-section" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <form className="stacked-form" data-testid="change-password-form" noValidate onSubmit={submit}>
        <TextField
          id="current-password"
          label="Current password"
          type="password"
          name="current-password"
          autoComplete="current-password"
          value={current}
          error={currentError}
          onChange={setCurrent}
        />
        <TextField
          id="new-password"
          label="New password"
          type="password"
          name="new-password"
          autoComplete="new-password"
          value={next}
          error={nextError}
          hint={`At least ${PASSWORD_MIN_BYTES} characters. Your other devices will be signed out.`}
          onChange={setNext}
        />
        {change.error && !wrong && (
          <p className="auth-error" role="alert">
            {change.error}
          </p>
        )}
        <button className="primary" type="submit" disabled={change.pending}>
          {change.pending ? "Changing…" : "Change password"}
        </button>
        <p className="action-result" role="status" data-testid="password-changed">
          {done ? "Password changed. Every other device and API token was signed out." : ""}
        </p>
      </form>
    </section>
  );
}
