import type { Device } from "@tandem/protocol";
import { useState } from "react";
import { DeviceActions } from "./DeviceActions";
import { RelativeTime } from "./RelativeTime";
import { RenameDeviceForm } from "./RenameDeviceForm";

const KIND_LABELS: Readonly<Record<Device["kind"], string>> = { session: "Browser", token: "API token" };

/** One device: its name (this one marked), its kind, and whether it is online or when it was last seen. */
export function DeviceRow({ device, onRevoked }: { device: Device; onRevoked(): void }) {
  const [renaming, setRenaming] = useState(false);
  // After a rename closes, focus goes back to the Rename button that opened it.
  const [renamed, setRenamed] = useState(false);
  const online = device.online > 0;
  return (
    <li className="device" data-testid="device" data-current={device.current} data-online={online}>
      <span className="presence-dot" data-online={online} aria-hidden="true" />
      <div className="device-main">
        {renaming ? (
          <RenameDeviceForm
            device={device}
            onClose={() => {
              setRenaming(false);
              setRenamed(true);
            }}
          />
        ) : (
          <p className="device-name">
            <span data-testid="device-name">{device.name}</span>
            {device.current && (
              <span className="badge" data-testid="this-device">
                This device
              </span>
            )}
          </p>
        )}
        <p className="device-meta" data-testid="device-presence">
          {KIND_LABELS[device.kind]} ·{" "}
          {online ? (
            "Online now"
          ) : (
            <>
              Last seen <RelativeTime at={device.lastSeenAt} />
            </>
          )}
        </p>
      </div>
      {!renaming && (
        <DeviceActions device={device} focusRename={renamed} onRename={() => setRenaming(true)} onRevoked={onRevoked} />
      )}
    </li>
  );
}
