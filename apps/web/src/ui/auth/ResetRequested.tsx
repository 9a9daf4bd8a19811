import { useFocusOnMount } from "../useFocusOnMount";

/** Replaces the request form once sent; focused, so the sentence is read out and the keyboard goes on from it. */
export function ResetRequested({ email }: { email: string }) {
  const message = useFocusOnMount<HTMLParagraphElement>();
  return (
    <p className="auth-success" role="status" tabIndex={-1} ref={message} data-testid="reset-requested">
      If an account exists for {email}, we sent it a link to choose a new password. The link works once, for a short
      while: if it has expired, ask for another here.
    </p>
  );
}
