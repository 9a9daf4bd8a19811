import type { CreateWebhookResponse } from "@tandem/protocol";
import { useState } from "react";
import { useFocusOnMount } from "../useFocusOnMount";

/**
 * The endpoint's signing secret, shown this once, with a copy button: the receiver needs it to
 * check each delivery's `webhook-signature`. It takes focus as it appears, so a screen reader
 * reads the warning and the secret first.
 */
export function NewWebhookSecret({ created, onDone }: { created: CreateWebhookResponse; onDone(): void }) {
  const box = useFocusOnMount<HTMLDivElement>();
  const [copied, setCopied] = useState<"no" | "yes" | "failed">("no");

  function copy() {
    navigator.clipboard.writeText(created.secret).then(
      () => setCopied("yes"),
      () => setCopied("failed"),
    );
  }

  return (
    <div className="token-secret" ref={box} tabIndex={-1} role="group" aria-labelledby="webhook-secret-title" data-testid="new-webhook">
      <p id="webhook-secret-title" className="token-secret-title">
        Webhook added. Copy its signing secret now: you won't see it again.
      </p>
      <div className="inline-form">
        <label htmlFor="webhook-secret" className="sr-only">
          Signing secret of {created.url}
        </label>
        <input id="webhook-secret" data-testid="webhook-secret" readOnly value={created.secret} onFocus={(e) => e.target.select()} />
        <button type="button" className="secondary" data-testid="copy-webhook-secret" onClick={copy}>
          Copy
        </button>
      </div>
      <p className="action-result" role="status">
        {copied === "yes" ? "Copied to the clipboard." : copied === "failed" ? "Couldn't copy: select the secret and copy it." : ""}
      </p>
      <button type="button" className="primary" onClick={onDone}>
        Done
      </button>
    </div>
  );
}
