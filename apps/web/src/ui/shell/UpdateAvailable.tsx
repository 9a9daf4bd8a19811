/**
 * Shown when the server speaks a newer socket protocol than this page: live sync has stopped
 * (nothing is lost, writes still go through), and a reload fetches the app that matches.
 * Informational, not an error, and it stays until the page is reloaded.
 */
export function UpdateAvailable({ onReload }: { onReload(): void }) {
  return (
    <div className="notice notice-info notice-update" role="status" data-testid="update-available">
      <p>A newer version of Tandem is available. Reload to keep your list in sync.</p>
      <button type="button" className="notice-action" onClick={onReload}>
        Reload
      </button>
    </div>
  );
}
