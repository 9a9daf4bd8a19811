import {
  CreateTokenBody,
  TOKEN_EXPIRY_DEFAULT_DAYS,
  TOKEN_EXPIRY_MAX_DAYS,
  type CreateTokenResponse,
} from "@tandem/protocol";
import { useState, type FormEvent } from "react";
import { ApiError, errorMessage } from "../../api/errors";
import { sentence } from "../auth/authFailure";
import { TextField } from "../auth/TextField";
import { useAppState, useServices } from "../AppContext";
import { useAsyncAction } from "../useAsyncAction";

const describe = (error: unknown) =>
  error instanceof ApiError && error.code === "invalid_credentials"
    ? "That is not your password."
    : errorMessage(error);

/** Name, lifetime in days, and the password again (the server checks it, as at sign-in). */
export function CreateTokenForm({ onCreated }: { onCreated(created: CreateTokenResponse): void }) {
  const { account } = useServices();
  const email = useAppState((state) => state.user?.email ?? "");
  const [name, setName] = useState("");
  const [days, setDays] = useState(String(TOKEN_EXPIRY_DEFAULT_DAYS));
  const [password, setPassword] = useState("");
  const [invalid, setInvalid] = useState<Partial<Record<"name" | "expiresInDays" | "password", string>>>({});
  const create = useAsyncAction(describe);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = CreateTokenBody.safeParse({
      email,
      password,
      name,
      expiresInDays: days.trim() === "" ? NaN : Number(days),
    });
    if (!parsed.success) {
      const errors: typeof invalid = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if (field === "name" || field === "expiresInDays" || field === "password")
          errors[field] ??= sentence(issue.message);
      }
      if (name.trim() === "") errors.name = "Give the token a name.";
      if (password === "") errors.password = "Enter your password.";
      return setInvalid(errors);
    }
    setInvalid({});
    void create.run(async () => {
      onCreated(await account.createToken(parsed.data));
    });
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
        error={invalid.password ?? create.error ?? undefined}
        onChange={setPassword}
      />
      <button className="primary" type="submit" disabled={create.pending}>
        {create.pending ? "Creating…" : "Create token"}
      </button>
    </form>
  );
}
