import { Password, PASSWORD_MIN_BYTES } from "@tandem/protocol";
import { useState, type FormEvent } from "react";
import { checkField } from "../auth/fieldError";
import { TextField } from "../auth/TextField";
import { useServices } from "../AppContext";
import { FormAlert } from "../FormAlert";
import { useAsyncAction } from "../useAsyncAction";
import { describeAccountFailure, WRONG_PASSWORD } from "./accountFailure";

/** Changing the password signs out every other device and token; this tab stays signed in. */
export function ChangePasswordSection() {
  const { account } = useServices();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [invalid, setInvalid] = useState<{ current?: string; next?: string }>({});
  const [done, setDone] = useState(false);
  const change = useAsyncAction(describeAccountFailure);
  const wrong = change.error === WRONG_PASSWORD;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(false);
    const checked = checkField(Password, next, "Choose a new password.");
    setInvalid({
      ...(current === "" ? { current: "Enter your current password." } : {}),
      ...(checked.ok ? {} : { next: checked.error }),
    });
    if (!checked.ok || current === "") return;
    void change.run(async () => {
      await account.changePassword({ currentPassword: current, newPassword: checked.value });
      setCurrent("");
      setNext("");
      setDone(true);
    });
  }

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
          error={invalid.current ?? (wrong ? WRONG_PASSWORD : undefined)}
          onChange={setCurrent}
        />
        <TextField
          id="new-password"
          label="New password"
          type="password"
          name="new-password"
          autoComplete="new-password"
          value={next}
          error={invalid.next}
          onChange={setNext}
          hint={`At least ${PASSWORD_MIN_BYTES} characters. Your other devices will be signed out.`}
        />
        <FormAlert message={wrong ? null : change.error} />
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
