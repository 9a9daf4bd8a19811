import { useAppState } from "../AppContext";

/**
 * One line that says how the roster stands. It is a live region, so a screen reader hears
 * "3 devices, 2 online now" change as devices come and go, without following every row.
 */
export function RosterSummary() {
  const status = useAppState((state) => state.rosterStatus);
  const error = useAppState((state) => state.rosterError);
  const count = useAppState((state) => state.devices.length);
  const online = useAppState((state) => state.devices.filter((device) => device.online > 0).length);
  const text =
    status === "failed"
      ? `Couldn't load your devices: ${error ?? "unknown error"}`
      : status === "loaded"
        ? `${count} ${count === 1 ? "device" : "devices"}, ${online} online now`
        : "Loading your devices…";
  return (
    <p
      className={status === "failed" ? "roster-summary roster-failed" : "roster-summary"}
      role="status"
      data-testid="roster-summary"
    >
      {text}
    </p>
  );
}
