/** A form's error as a whole (not one field's): announced as it appears. */
export function FormAlert({ message }: { message: string | null }) {
  if (message === null) return null;
  return (
    <p className="auth-error" role="alert" data-testid="auth-error">
      {message}
    </p>
  );
}
