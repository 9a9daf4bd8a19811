import type { RefObject } from "react";

interface TextFieldProps {
  id: string;
  label: string;
  type: "email" | "password" | "text" | "number";
  /** The form field's name; defaults to the type (what password managers look for). */
  name?: string;
  autoComplete: string;
  value: string;
  error?: string | undefined;
  /** A standing hint (e.g. the password rule), read out with the field. */
  hint?: string | undefined;
  autoFocus?: boolean;
  inputRef?: RefObject<HTMLInputElement | null>;
  /** For a number field. */
  min?: number;
  max?: number;
  onChange(value: string): void;
}

/** A labelled input whose error is tied to it (aria-invalid, aria-describedby) for screen readers. */
export function TextField(props: TextFieldProps) {
  const { id, label, type, name, autoComplete, value, error, hint, autoFocus, inputRef, min, max, onChange } = props;
  // The error replaces the hint rather than stacking under it: one message per field.
  const showHint = hint !== undefined && !error;
  const describedBy = error ? `${id}-error` : showHint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        ref={inputRef}
        id={id}
        name={name ?? type}
        type={type}
        inputMode={type === "number" ? "numeric" : undefined}
        min={min}
        max={max}
        autoComplete={autoComplete}
        autoFocus={autoFocus}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(event) => onChange(event.target.value)}
      />
      {showHint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`} data-testid={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
