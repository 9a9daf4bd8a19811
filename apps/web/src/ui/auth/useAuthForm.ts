import { useRef, useState, type FormEvent, type RefObject } from "react";
import { describeAuthFailure, type CredentialField, type FieldErrors } from "./authFailure";
import { validateCredentials, type CredentialsSchema, type CredentialValues } from "./validateCredentials";

export interface AuthFormState {
  values: CredentialValues;
  fieldErrors: FieldErrors;
  /** The server's answer (or a network problem), shown above the submit button. */
  formError: string | null;
  pending: boolean;
  fieldRefs: Record<CredentialField, RefObject<HTMLInputElement | null>>;
  change(field: CredentialField, value: string): void;
  submit(event: FormEvent<HTMLFormElement>): void;
}

/**
 * State and submission of a credentials form. Fields are checked on submit; after a first
 * failed submit they are re-checked as the user types, so a fixed mistake clears at once
 * without nagging about a field the user has not finished yet.
 */
export function useAuthForm<T>(schema: CredentialsSchema<T>, send: (body: T) => Promise<void>): AuthFormState {
  const [values, setValues] = useState<CredentialValues>({ email: "", password: "" });
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [checking, setChecking] = useState(false);
  const fieldRefs = {
    email: useRef<HTMLInputElement>(null),
    password: useRef<HTMLInputElement>(null),
  };

  function change(field: CredentialField, value: string) {
    const next = { ...values, [field]: value };
    setValues(next);
    if (checking) {
      const result = validateCredentials(schema, next);
      setFieldErrors(result.ok ? {} : result.errors);
    }
  }

  function focusFirstInvalid(errors: FieldErrors) {
    const field: CredentialField | undefined = errors.email ? "email" : errors.password ? "password" : undefined;
    if (field) fieldRefs[field].current?.focus();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    setChecking(true);
    const result = validateCredentials(schema, values);
    if (!result.ok) {
      setFieldErrors(result.errors);
      setFormError(Object.keys(result.errors).length === 0 ? "Please check the form." : null);
      focusFirstInvalid(result.errors);
      return;
    }
    setFieldErrors({});
    setFormError(null);
    setPending(true);
    // On success the account switches screens and this form unmounts: nothing to reset.
    send(result.body).catch((error: unknown) => {
      const failure = describeAuthFailure(error);
      setPending(false);
      setFormError(failure.message);
      setFieldErrors(failure.fields);
      focusFirstInvalid(failure.fields);
    });
  }

  return { values, fieldErrors, formError, pending, fieldRefs, change, submit };
}
