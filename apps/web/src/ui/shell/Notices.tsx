import { useSyncExternalStore } from "react";
import { useAppState, useServices } from "../AppContext";
import { NewVersionReady } from "./NewVersionReady";
import { UndoNotice } from "./UndoNotice";
import { UpdateAvailable } from "./UpdateAvailable";

/**
 * Toasts for what went wrong (a refused write, an ended session), and the note that a newer
 * version is available. Fixed to the bottom of the viewport so they never push the list; each
 * toast stays until dismissed, so nothing is missed.
 */
export function Notices() {
  const { reload, appUpdate } = useServices();
  const newVersion = useSyncExternalStore(appUpdate.subscribe, appUpdate.getSnapshot) === "ready";
  const notices = useAppState((state) => state.notices);
  const dismiss = useAppState((state) => state.dismissNotice);
  const outdated = useAppState((state) => state.connectionStatus === "outdated");
  return (
    <section className="notices" aria-label="Notifications">
      {outdated && <UpdateAvailable onReload={reload} />}
      {newVersion && !outdated && <NewVersionReady onReload={reload} />}
      <UndoNotice />
      {notices.map((notice) => (
        <div
          key={notice.id}
          className={`notice notice-${notice.tone}`}
          role={notice.tone === "error" ? "alert" : "status"}
          data-testid="toast"
        >
          <p>{notice.message}</p>
          <button type="button" aria-label="Dismiss" data-testid="toast-dismiss" onClick={() => dismiss(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
