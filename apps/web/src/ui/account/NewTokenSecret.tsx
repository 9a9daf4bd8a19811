import type { CreateTokenResponse } from "@tandem/protocol";
import { useState } from "react";
import { useFocusOnMount } from "../useFocusOnMount";

/**
 * The token's secret, shown this once (the server keeps only its hash), with a copy button.
 * It takes focus as it appears, so a screen reader reads the warning and the secret first.
 */
export function NewTokenSecret({ created, onDone }: { created: CreateTokenResponse; onDone(): void }) {
  const box = useFocusOnMount<HTMLDivElement>();
  const [copied, setCopied] = useState<"no" | "yes" | "failed">("no");

  function copy() {
    navigator.clipboard.writeText(created.token).then(
      () => setCopied("yes"),
      () => setCopied("failed"),
    );
  }

  return (
    <div
      className="token-secret"
      ref={box}
      tabIndex={-1}
      role="group"
      aria-labelledby="token-secret-title"
      data-testid="new-token"
    >
      <p id="token-secret-title" className="token-secret-title">
        Token “{created.info.name}” created. Copy it now: you won't see it again.
      </p>
      <div className="inline-form">
        <label htmlFor="token-secret" className="sr-only">
          Secret of token {created.info.name}
        </label>
        <input
          id="token-secret"
          data-testid="token-secret"
          readOnly
          value={created.token}
          onFocus={(e) => e.target.select()}
        />
        <button type="button" className="secondary" data-testid="copy-token" onClick={copy}>
          Copy
        </button>
      </div>
      <p className="action-result" role="status">
        {copied === "yes"
          ? "Copied to the clipboard."
          : copied === "failed"
            ? "Couldn't copy: select the token and copy it."
            : ""}
      </p>
      <button type="button" className="primary" onClick={onDone}>
        Done
      </button>
    </div>
  );
}
