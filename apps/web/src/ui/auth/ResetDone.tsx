import { useFocusOnMount } from "../useFocusOnMount";

/** Replaces the new-password form once the server took it; focused, so it is read out. */
export function ResetDone() {
  const message = useFocusOnMount<HTMLParagraphElement>();
  return (
    <p className="auth-success" role="status" tabIndex={-1} ref={message} data-testid="reset-done">
      Your password was changed, and you were signed out on every device. Sign in with your new password.
    </p>
  );
}
