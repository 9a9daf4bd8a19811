import type { CreateTokenResponse } from "@tandem/protocol";
import { useRef, useState } from "react";
import { useAppState } from "../AppContext";
import { CreateTokenForm } from "./CreateTokenForm";
import { NewTokenSecret } from "./NewTokenSecret";
import { TokenRow } from "./TokenRow";

/** API tokens for native apps and scripts: create one (its secret shown once), see when each expires, revoke. */
export function TokensSection() {
  const tokens = useAppState((state) => state.tokens);
  const [created, setCreated] = useState<CreateTokenResponse | null>(null);
  // When what had focus goes (a revoked row, the dismissed secret), focus goes to the heading.
  const heading = useRef<HTMLHeadingElement>(null);
  const refocus = () => heading.current?.focus();
  return (
    <section className="account-section" aria-labelledby="tokens-title" data-testid="tokens-section">
      <h2 id="tokens-title" ref={heading} tabIndex={-1}>
        API tokens
      </h2>
      <p className="section-note">
        A token lets an app or a script use your list as you: send it as <code>Authorization: Bearer …</code>.
      </p>
      {tokens.length === 0 ? (
        <p className="section-note">You have no API tokens.</p>
      ) : (
        <ul className="token-list" data-testid="token-list" aria-label="Your API tokens">
          {tokens.map((token) => (
            <TokenRow key={token.id} token={token} onRevoked={refocus} />
          ))}
        </ul>
      )}
      {created ? (
        <NewTokenSecret
          created={created}
          onDone={() => {
            setCreated(null);
            refocus();
          }}
        />
      ) : (
        <CreateTokenForm onCreated={setCreated} />
      )}
    </section>
  );
}
