import type { ConnectionStatus as Status } from "../../sync/connectionStatus";
import { useAppState } from "../AppContext";

const LABELS: Readonly<Record<Status, string>> = {
  idle: "Not connected",
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  offline: "Offline",
  signedOut: "Signed out",
  outdated: "Update available",
};

/**
 * Always on screen while signed in, and only ever says "Live" while a socket is actually open.
 * The last sync time is in the `title` (hover), kept out of the live region so screen readers
 * hear status changes, not every incoming change.
 */
export function ConnectionStatus() {
  const status = useAppState((state) => state.connectionStatus);
  const lastSyncAt = useAppState((state) => state.lastSyncAt);
  const title = lastSyncAt === null ? "Not synced yet" : `Last synced at ${new Date(lastSyncAt).toLocaleTimeString()}`;
  return (
    <p className="connection" data-testid="connection-status" data-status={status} title={title}>
      <span className="connection-dot" aria-hidden="true" />
      <span role="status">{LABELS[status]}</span>
    </p>
  );
}
