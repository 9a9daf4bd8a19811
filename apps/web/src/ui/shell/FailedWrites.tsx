import { describeWrite, type FailedWrite } from "../../state/pendingWrite";
import { useAppState, useServices } from "../AppContext";

/**
 * Writes the server refused for good, each until the person decides: retry it, discard it, or,
 * for an edit that met a newer version or a deleted todo, keep their text over the newer one or
 * as a new todo. Nothing refused disappears without a word.
 */
export function FailedWrites() {
  const failed = useAppState((state) => state.failed);
  if (failed.length === 0) return null;
  return (
    <section className="failed-writes" aria-label="Changes that could not be saved" data-testid="failed-writes">
      <h2>{failed.length === 1 ? "1 change could not be saved" : `${failed.length} changes could not be saved`}</h2>
      <ul>
        {failed.map((entry) => (
          <FailedWriteItem key={entry.write.writeId} entry={entry} />
        ))}
      </ul>
    </section>
  );
}

function FailedWriteItem({ entry }: { entry: FailedWrite }) {
  const { account } = useServices();
  const { write, failure } = entry;
  const text = write.kind === "update" ? write.patch.text : write.kind === "create" ? write.text : undefined;
  const conflict = failure.code === "conflict" && failure.current !== undefined;
  const gone = failure.code === "not_found";
  const id = write.writeId;
  return (
    <li data-testid="failed-write" data-code={failure.code}>
      <p>
        {conflict && text !== undefined
          ? `“${text}” was not saved: this todo was changed on another device to “${failure.current?.text ?? ""}”.`
          : gone && text !== undefined
            ? `“${text}” was not saved: this todo was deleted on another device.`
            : `Couldn't ${describeWrite(write)}: ${failure.reason}`}
      </p>
      <div className="failed-actions">
        {conflict && text !== undefined && (
          <button type="button" data-testid="failed-overwrite" onClick={() => void account.overwrite(id)}>
            Keep mine
          </button>
        )}
        {(conflict || gone) && text !== undefined && (
          <button type="button" data-testid="failed-keep-new" onClick={() => void account.keepAsNew(id)}>
            Keep mine as a new todo
          </button>
        )}
        {!conflict && !gone && (
          <button type="button" data-testid="failed-retry" onClick={() => void account.retryWrite(id)}>
            Retry
          </button>
        )}
        <button type="button" data-testid="failed-discard" onClick={() => void account.discardWrite(id)}>
          {conflict ? "Keep theirs" : "Discard"}
        </button>
      </div>
    </li>
  );
}
