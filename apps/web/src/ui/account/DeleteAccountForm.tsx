import { useState, type FormEvent } from "react";
import { TextField } from "../auth/TextField";
import { useAppState, useServices } from "../AppContext";
import { FormAlert } from "../FormAlert";
import { useAsyncAction } from "../useAsyncAction";
import { describeAccountFailure, WRONG_PASSWORD } from "./accountFailure";
import { confirmsEmail } from "./confirmsEmail";

/**
 * The account goes only once its email is typed out (no slip of a finger deletes it) and the
 * password given (a forgotten open tab is not enough). On success the sign-in screen says so.
 */
export function DeleteAccountForm({ onCancel }: { onCancel(): void }) {
  const { account } = useServices();
  const email = useAppState((state) => state.user?.email ?? "");
  const [typed, setTyped] = useState("");
  const [password, setPassword] = useState("");
  const remove = useAsyncAction(describeAccountFailure);
  const wrong = remove.error === WRONG_PASSWORD;
  const ready = confirmsEmail(typed, email) && password !== "";

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (ready) void remove.run(() => account.deleteAccount(password));
  }

  return (
    <form
      className="stacked-form"
      data-testid="delete-account-form"
      aria-label="Delete your account"
      noValidate
      onSubmit={submit}
    >
      <TextField
        id="delete-confirm"
        label={`Type your email, ${email}, to confirm`}
        type="text"
        name="confirm-email"
        autoComplete="off"
        autoFocus
        value={typed}
        onChange={setTyped}
      />
      <TextField
        id="delete-password"
        label="Your password"
        type="password"
        name="password"
        autoComplete="current-password"
        value={password}
        error={wrong ? WRONG_PASSWORD : undefined}
        onChange={setPassword}
      />
      <FormAlert message={wrong ? null : remove.error} />
      <div className="form-buttons">
        <button type="submit" className="danger" data-testid="delete-account" disabled={!ready || remove.pending}>
          {remove.pending ? "Deleting…" : "Delete my account forever"}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
