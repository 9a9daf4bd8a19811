import type { Device } from "@tandem/protocol";
import { useEffect, useRef } from "react";
import { useServices } from "../AppContext";
import { useAsyncAction } from "../useAsyncAction";

interface DeviceActionsProps {
  device: Device;
  /** Focus the Rename button when these appear (a rename has just closed). */
  focusRename: boolean;
  onRename(): void;
  onRevoked(): void;
}

/** Rename and sign out, named after the device for screen readers ("Sign out Firefox on Linux"). */
export function DeviceActions({ device, focusRename, onRename, onRevoked }: DeviceActionsProps) {
  const { account } = useServices();
  const revoke = useAsyncAction();
  const renameButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (focusRename) renameButton.current?.focus();
  }, [focusRename]);

  function signOut() {
    void revoke.run(async () => {
      await account.revokeDevice(device);
      if (!device.current) onRevoked();
    });
  }

  // A token is not signed in anywhere: it is revoked.
  const verb = device.kind === "token" ? "Revoke" : "Sign out";
  return (
    <div className="device-actions">
      <button
        type="button"
        className="secondary"
        ref={renameButton}
        aria-label={`Rename ${device.name}`}
        onClick={onRename}
      >
        Rename
      </button>
      <button
        type="button"
        className="secondary"
        aria-label={`${verb} ${device.name}`}
        data-testid="device-signout"
        disabled={revoke.pending}
        onClick={signOut}
      >
        {revoke.pending ? "…" : verb}
      </button>
      {revoke.error && (
        <p className="inline-error" role="alert">
          Couldn't {verb.toLowerCase()} it: {revoke.error}
        </p>
      )}
    </div>
  );
}
