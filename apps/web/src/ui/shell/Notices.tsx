import { useAppState } from "../AppContext";

/**
 * Toasts for what went wrong (a refused write, an ended session). Fixed to the bottom of the
 * viewport so they never push the list; each stays until dismissed, so nothing is missed.
 */
export function Notices() {
  const notices = useAppState((state) => state.notices);
  const dismiss = useAppState((state) => state.dismissNotice);
  return (
    <section className="notices" aria-label="Notifications">
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
