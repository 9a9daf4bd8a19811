import type { ReactNode } from "react";
import { TextField } from "./TextField";
import { useAuthForm } from "./useAuthForm";
import type { CredentialsSchema } from "./validateCredentials";

export interface AuthFormProps<T> {
  /** "signin" or "signup": names the form's test id and its fields' ids. */
  kind: "signin" | "signup";
  title: string;
  submitLabel: string;
  pendingLabel: string;
  passwordAutoComplete: "current-password" | "new-password";
  passwordHint?: string;
  schema: CredentialsSchema<T>;
  send(body: T): Promise<void>;
  /** The line under the form that switches to the other form. */
  footer: ReactNode;
  /** A line under the password field (sign-in: "Forgot password?"). */
  passwordAside?: ReactNode;
}

/** The sign-in and sign-up forms: same fields, different rule and endpoint. */
export function AuthForm<T>(props: AuthFormProps<T>) {
  const { kind, title, submitLabel, pendingLabel, passwordAutoComplete, passwordHint, schema, send, footer, passwordAside } = props;
  const form = useAuthForm(schema, send);
  return (
    // noValidate: the protocol's schema checks the fields (same rule as the server), not the browser.
    <form className="auth-card" data-testid={`${kind}-form`} aria-labelledby={`${kind}-title`} aria-busy={form.pending} noValidate onSubmit={form.submit}>
      <h2 id={`${kind}-title`}>{title}</h2>
      <TextField
        id={`${kind}-email`}
        label="Email"
        type="email"
        autoComplete="email"
        autoFocus
        value={form.values.email}
        error={form.fieldErrors.email}
        inputRef={form.fieldRefs.email}
        onChange={(value) => form.change("email", value)}
      />
      <TextField
        id={`${kind}-password`}
        label="Password"
        type="password"
        autoComplete={passwordAutoComplete}
        value={form.values.password}
        error={form.fieldErrors.password}
        hint={passwordHint}
        inputRef={form.fieldRefs.password}
        onChange={(value) => form.change("password", value)}
      />
      {passwordAside && <p className="auth-aside">{passwordAside}</p>}
      {form.formError && (
        <p className="auth-error" role="alert" data-testid="auth-error">
          {form.formError}
        </p>
      )}
      <button className="primary" type="submit" disabled={form.pending}>
        {form.pending ? pendingLabel : submitLabel}
      </button>
      <p className="auth-switch">{footer}</p>
    </form>
  );
}
