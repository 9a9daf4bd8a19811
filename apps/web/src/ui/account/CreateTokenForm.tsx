import { TOKEN_EXPIRY_DEFAULT_DAYS, TOKEN_EXPIRY_MAX_DAYS, type CreateTokenResponse } from "@tandem/protocol";
import { useState, type FormEvent } from "react";
import { TextField } from "../auth/TextField";
import { useAppState, useServices } from "../AppContext";
import { useAsyncAction } from "../useAsyncAction";
import { FormAlert } from "../FormAlert";
import { describeAccountFailure, WRONG_PASSWORD } from "./accountFailure";
import { checkTokenForm, type TokenField } from "./tokenForm";

/** Name, lifetime in days, and the password again (the server checks it, as at sign-in). */
export function CreateTokenForm({ onCreated }: { onCreated(created: CreateTokenResponse): void }) {
  const { account } = useServices();
  const email = useAppState((state) => state.user?.email ?? "");
  const [name, setName] = useState("");
  const [days, setDays] = useState(String(TOKEN_EXPIRY_DEFAULT_DAYS));
  const [password, setPassword] = useState("");
  const [invalid, setInvalid] = useState<Partial<Record<TokenField, string>>>({});
  const create = useAsyncAction(describeAccountFailure);
  const wrong = create.error === WRONG_PASSWORD;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = checkTokenForm({ email, name, days, password });
    setInvalid(checked.ok ? {} : checked.errors);
    if (checked.ok) void create.run(async () => onCreated(await account.createToken(checked.body)));
  }

  return (
    <form
      className="stacked-form"
      data-testid="create-token-form"
      aria-label="Create an API token"
      noValidate
      onSubmit={submit}
    >
      <TextField
        id="token-name"
        label="Token name"
        type="text"
        name="token-name"
        autoComplete="off"
        value={name}
        error={invalid.name}
        hint="Say where it will be used, e.g. “Phone app”."
        onChange={setName}
      />
      <TextField
        id="token-days"
        label="Expires after (days)"
        type="number"
        name="token-days"
        autoComplete="off"
        min={1}
        max={TOKEN_EXPIRY_MAX_DAYS}
        value={days}
        error={invalid.expiresInDays}
        hint={`1 to ${TOKEN_EXPIRY_MAX_DAYS} days.`}
        onChange={setDays}
      />
      <TextField
        id="token-password"
        label="Your password"
        type="password"
        name="password"
        autoComplete="current-password"
        value={password}
        error={invalid.password ?? (wrong ? WRONG_PASSWORD : undefined)}
        onChange={setPassword}
      />
      <FormAlert message={wrong ? null : create.error} />
      <button className="primary" type="submit" disabled={create.pending}>
        {create.pending ? "Creating…" : "Create token"}
      </button>
    </form>
  );
}
