import type { TokenInfo } from "@tandem/protocol";
import { useServices } from "../AppContext";
import { useAsyncAction } from "../useAsyncAction";
import { RelativeTime } from "./RelativeTime";

const DATE = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

/** One API token: when it expires and was last used, and a way to revoke it. */
export function TokenRow({ token, onRevoked }: { token: TokenInfo; onRevoked(): void }) {
  const { account } = useServices();
  const revoke = useAsyncAction();
  return (
    <li className="token" data-testid="token">
      <div className="device-main">
        <p className="device-name" data-testid="token-name">
          {token.name}
        </p>
        <p className="device-meta">
          Expires <time dateTime={token.expiresAt}>{DATE.format(new Date(token.expiresAt))}</time> ·{" "}
          {token.lastUsedAt === null ? (
            "Never used"
          ) : (
            <>
              Last used <RelativeTime at={token.lastUsedAt} />
            </>
          )}
        </p>
      </div>
      <div className="device-actions">
        <button
          type="button"
          className="secondary"
          aria-label={`Revoke ${token.name}`}
          data-testid="revoke-token"
          disabled={revoke.pending}
          onClick={() => void revoke.run(() => account.revokeToken(token.id).then(onRevoked))}
        >
          {revoke.pending ? "Revoking…" : "Revoke"}
        </button>
        {revoke.error && (
          <p className="inline-error" role="alert">
            Couldn't revoke it: {revoke.error}
          </p>
        )}
      </div>
    </li>
  );
}
