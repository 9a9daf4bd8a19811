import { useAppState } from "../AppContext";

/**
 * How many changes the server has not confirmed yet. The stylesheet fades it in only after a
 * moment, so the usual sub-second round trip never flashes it; offline it stays, honestly.
 * `data-recording` says how many are still being stored in the browser (not yet counted, not yet
 * shown): for tools and tests that must wait until every change made so far is accounted for.
 */
export function PendingWrites() {
  const count = useAppState((state) => state.pending.length);
  const recording = useAppState((state) => state.recording);
  const waiting = useAppState((state) => state.connectionStatus !== "live");
  const noun = count === 1 ? "change" : "changes";
  return (
    <p className="pending-writes" data-testid="pending-count" data-count={count} data-recording={recording} hidden={count === 0}>
      {waiting ? `${count} ${noun} waiting to sync` : `Saving ${count} ${noun}…`}
    </p>
  );
}
