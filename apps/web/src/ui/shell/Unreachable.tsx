import { useState } from "react";
import { useServices } from "../AppContext";

/** The session could not be checked (server down, no network): say so and offer to retry. */
export function Unreachable() {
  const { account } = useServices();
  const [retrying, setRetrying] = useState(false);

  function retry() {
    setRetrying(true);
    void account.restore().finally(() => setRetrying(false));
  }

  return (
    <main className="splash" data-testid="unreachable">
      <h1 className="brand">Tandem</h1>
      <p role="alert">Can't reach the server right now.</p>
      <button type="button" className="primary" onClick={retry} disabled={retrying}>
        {retrying ? "Trying…" : "Try again"}
      </button>
    </main>
  );
}
