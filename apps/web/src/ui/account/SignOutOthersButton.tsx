import { useState } from "react";
import { useAppState, useServices } from "../AppContext";
import { useAsyncAction } from "../useAsyncAction";

/** "Sign out everywhere else": every session and token but this tab's own session. */
export function SignOutOthersButton() {
  const { account } = useServices();
  const others = useAppState((state) => state.devices.filter((device) => !device.current).length);
  const [done, setDone] = useState(false);
  const action = useAsyncAction();

  function signOutOthers() {
    setDone(false);
    void action.run(async () => {
      await account.revokeOtherDevices();
      setDone(true);
    });
  }

  return (
    <div className="section-actions">
      <button
        type="button"
        className="secondary"
        data-testid="signout-others"
        disabled={action.pending || others === 0}
        onClick={signOutOthers}
      >
        {action.pending ? "Signing out…" : "Sign out everywhere else"}
      </button>
      <p className="action-result" role="status">
        {done ? "Every other device was signed out." : ""}
      </p>
      {action.error && (
        <p className="inline-error" role="alert">
          Couldn't sign the other devices out: {action.error}
        </p>
      )}
    </div>
  );
}
