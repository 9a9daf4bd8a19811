/**
 * A new build of the app is installed and waiting (see appUpdate.ts). It takes over only when
 * the person presses Reload, so nothing they are typing is swapped out from under them.
 */
export function NewVersionReady({ onReload }: { onReload(): void }) {
  return (
    <div className="notice notice-info notice-update" role="status" data-testid="new-version">
      <p>A new version of Tandem is ready. Reload when you are done editing.</p>
      <button type="button" className="notice-action" onClick={onReload}>
        Reload
      </button>
    </div>
  );
}
