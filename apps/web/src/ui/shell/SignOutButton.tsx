import { useState } from "react";
import { useServices } from "../AppContext";

export function SignOutButton() {
  const { account } = useServices();
  const [pending, setPending] = useState(false);

  function signOut() {
    setPending(true);
    // On success this button unmounts with the list; on failure the account says why in a notice.
    void account.signOut().finally(() => setPending(false));
  }

  return (
    <button type="button" className="signout" data-testid="signout" disabled={pending} onClick={signOut}>
      {pending ? "Signing out…" : "Sign out"}
    </button>
  );
}
