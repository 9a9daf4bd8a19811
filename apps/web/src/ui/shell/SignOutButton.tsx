import { useState } from "react";
import type { UnsentChoice } from "../../account/unsentChanges";
import { useServices } from "../AppContext";

/**
 * Signs out; with changes not yet sent, first asks what to do with them: send them first (and
 * stay signed in if that cannot be done now), or discard them. Either way nothing of this user's
 * stays in the browser.
 */
export function SignOutButton() {
  const { account } = useServices();
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(0);

  function signOut(unsent?: UnsentChoice) {
    const count = account.unsentCount();
    if (unsent === undefined && count > 0) {
      setAsking(count);
      return;
    }
    setAsking(0);
    setBusy(true);
    // On success this button unmounts with the list; otherwise the account says why in a notice.
    void account.signOut(unsent).finally(() => setBusy(false));
  }

  if (asking > 0) {
    return (
      <div className="signout-ask" role="group" aria-label="Unsent changes" data-testid="signout-ask">
        <span>{asking === 1 ? "1 change isn't sent yet." : `${asking} changes aren't sent yet.`}</span>
        <button type="button" className="signout" data-testid="signout-send" onClick={() => signOut("send")}>
          Send, then sign out
        </button>
        <button type="button" className="signout" data-testid="signout-discard" onClick={() => signOut("discard")}>
          Discard and sign out
        </button>
        <button type="button" className="signout" data-testid="signout-cancel" onClick={() => setAsking(0)}>
          Cancel
        </button>
      </div>
    );
  }
  return (
    <button type="button" className="signout" data-testid="signout" disabled={busy} onClick={() => signOut()}>
      {busy ? "Signing out…" : "Sign out"}
    </button>
  );
}
