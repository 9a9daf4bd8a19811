import { describeWait } from "@tandem/protocol";
import { isOutage } from "../../state/connectionSlice";
import { useAppState, useServices } from "../AppContext";
import { useNow } from "./useNow";

/** A reconnect that succeeds within this long never shows the notice: no flash on a blip. */
export const OUTAGE_NOTICE_AFTER_MS = 3_000;

/**
 * Under the status line during an outage: how long it has lasted, that nothing typed meanwhile
 * is lost, and a "Try now" that skips the reconnect wait. The duration is outside the live
 * region (it changes every second); the sentence that matters is announced once.
 */
export function OutageNotice() {
  const { account } = useServices();
  const status = useAppState((state) => state.connectionStatus);
  const since = useAppState((state) => state.outageSince);
  const pending = useAppState((state) => state.pending.length);
  const inOutage = isOutage(status) && since !== null;
  const now = useNow(inOutage);
  if (!inOutage || now - since < OUTAGE_NOTICE_AFTER_MS) return null;

  const lasted = describeWait((now - since) / 1000);
  const what = status === "offline" ? `Offline for ${lasted}.` : `Can't reach the server for ${lasted}.`;
  const kept = pending === 0 ? "Changes you make are kept on this device" : `${pending} ${pending === 1 ? "change is" : "changes are"} kept on this device`;
  return (
    <div className="outage" data-testid="outage">
      <p>
        <span data-testid="outage-duration">{what}</span>{" "}
        <span>{kept} and sent when the connection is back.</span>
      </p>
      <button
        type="button"
        className="outage-retry"
        data-testid="try-now"
        onClick={() => account.tryNow()}
      >
        Try now
      </button>
    </div>
  );
}
