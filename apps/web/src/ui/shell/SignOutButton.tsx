import { useState } from "react";
import { useServices } from "../AppContext";

export function SignOutButton() {
  const { session } = useServices();
  const [pending, setPending] = useState(false);

  function signOut() {
    setPending(true);
    // On success this button unmounts with the list; on failure the session says why.
    void session.signOut().finally(() => setPending(false));
  }

  return (
    <button type="button" className="signout" data-testid="signout" disabled={pending} onClick={signOut}>
      {pending ? "Signing out…" : "Sign out"}
    </button>
  );
}
