import { useRef } from "react";
import { useAppState } from "../AppContext";
import { DeviceRow } from "./DeviceRow";
import { RosterSummary } from "./RosterSummary";
import { SignOutOthersButton } from "./SignOutOthersButton";

/** The live roster: every browser signed in and every API token, most recently seen first. */
export function DevicesSection() {
  const devices = useAppState((state) => state.devices);
  const heading = useRef<HTMLHeadingElement>(null);
  return (
    <section className="account-section" aria-labelledby="devices-title" data-testid="devices-section">
      <h2 id="devices-title" ref={heading} tabIndex={-1}>
        Your devices
      </h2>
      <p className="section-note">
        Every browser you're signed in on, and every API token. Sign out any you don't recognise.
      </p>
      <RosterSummary />
      <ul className="device-list" data-testid="device-list">
        {devices.map((device) => (
          // A revoked row disappears: focus goes to the heading rather than to <body>.
          <DeviceRow key={device.id} device={device} onRevoked={() => heading.current?.focus()} />
        ))}
      </ul>
      <SignOutOthersButton />
    </section>
  );
}
