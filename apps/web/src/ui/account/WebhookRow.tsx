import type { Webhook } from "@tandem/protocol";
import { useAsyncAction } from "../useAsyncAction";
import { RelativeTime } from "./RelativeTime";
import { webhookStatus } from "./webhookStatus";

/** How the endpoint is doing, in one line. */
function StatusLine({ webhook }: { webhook: Webhook }) {
  const status = webhookStatus(webhook);
  return (
    <p className="device-meta webhook-status" data-kind={status.kind} data-testid="webhook-status">
      {status.kind === "disabled" && (
        <>
          Disabled <RelativeTime at={status.at} />: {status.reason}
        </>
      )}
      {status.kind === "failing" && (
        <>
          Failing since <RelativeTime at={status.since} /> (last: {status.last}); retrying
        </>
      )}
      {status.kind === "ok" && (
        <>
          Last delivery <RelativeTime at={status.at} /> ({status.last})
        </>
      )}
      {status.kind === "new" && "No deliveries yet"}
    </p>
  );
}

/** One endpoint: its URL, how its deliveries go, and buttons to re-enable or delete it. */
export function WebhookRow({ webhook, onEnable, onRemove }: { webhook: Webhook; onEnable(): Promise<void>; onRemove(): Promise<void> }) {
  const enable = useAsyncAction();
  const remove = useAsyncAction();
  const error = enable.error ?? remove.error;
  return (
    <li className="token" data-testid="webhook">
      <div className="device-main">
        <p className="device-name" data-testid="webhook-url">
          {webhook.url}
        </p>
        {webhook.description !== "" && <p className="device-meta">{webhook.description}</p>}
        <StatusLine webhook={webhook} />
      </div>
      <div className="device-actions">
        {webhook.disabled !== null && (
          <button type="button" className="secondary" data-testid="enable-webhook" disabled={enable.pending} onClick={() => void enable.run(onEnable)}>
            {enable.pending ? "Enabling…" : "Re-enable"}
          </button>
        )}
        <button
          type="button"
          className="secondary"
          aria-label={`Delete webhook ${webhook.url}`}
          data-testid="delete-webhook"
          disabled={remove.pending}
          onClick={() => void remove.run(onRemove)}
        >
          {remove.pending ? "Deleting…" : "Delete"}
        </button>
        {error && (
          <p className="inline-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </li>
  );
}
