import type { CreateWebhookResponse } from "@tandem/protocol";
import { useState } from "react";
import { useServices } from "../AppContext";
import { CreateWebhookForm } from "./CreateWebhookForm";
import { NewWebhookSecret } from "./NewWebhookSecret";
import { useWebhooks } from "./useWebhooks";
import { WebhookRow } from "./WebhookRow";

/**
 * Outbound webhooks: URLs that receive every change to your todos, signed (Standard Webhooks).
 * Lists them with how their deliveries go, adds one (its secret shown once), deletes and
 * re-enables. Self-contained: it loads and keeps its own list through `services.webhooks`.
 */
export function WebhooksSection() {
  const { webhooks: api } = useServices();
  const webhooks = useWebhooks(api);
  const [created, setCreated] = useState<CreateWebhookResponse | null>(null);
  const { list } = webhooks;
  return (
    <section className="account-section" aria-labelledby="webhooks-title" data-testid="webhooks-section">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="section-note">
        Each change to your todos is sent to these URLs as it happens, as JSON, signed with the webhook's secret (Standard Webhooks:
        check the <code>webhook-signature</code> header).
      </p>
      {list.status === "loading" && <p className="section-note">Loading…</p>}
      {list.status === "failed" && (
        <p className="inline-error" role="alert">
          Couldn't load your webhooks: {list.error}{" "}
          <button type="button" className="secondary" onClick={() => void webhooks.reload()}>
            Try again
          </button>
        </p>
      )}
      {list.status === "ready" &&
        (list.webhooks.length === 0 ? (
          <p className="section-note">You have no webhooks.</p>
        ) : (
          <>
            <ul className="token-list" data-testid="webhook-list" aria-label="Your webhooks">
              {list.webhooks.map((webhook) => (
                <WebhookRow
                  key={webhook.id}
                  webhook={webhook}
                  onEnable={() => webhooks.enable(webhook.id)}
                  onRemove={() => webhooks.remove(webhook.id)}
                />
              ))}
            </ul>
            <button type="button" className="secondary" data-testid="refresh-webhooks" onClick={() => void webhooks.reload()}>
              Refresh
            </button>
          </>
        ))}
      {created ? (
        <NewWebhookSecret created={created} onDone={() => setCreated(null)} />
      ) : (
        <CreateWebhookForm
          onCreate={async (body) => {
            const answer = await webhooks.create(body);
            setCreated(answer);
            return answer;
          }}
        />
      )}
    </section>
  );
}
