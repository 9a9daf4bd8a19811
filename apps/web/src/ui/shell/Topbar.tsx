import { useAppState } from "../AppContext";
import { RouteLink } from "../RouteLink";
import { ConnectionStatus } from "./ConnectionStatus";
import { PendingWrites } from "./PendingWrites";
import { SignOutButton } from "./SignOutButton";

/**
 * Above the list and the account page: the connection, unsaved writes, who is signed in (a link
 * to the account page, or back to the list from there). Fixed height: no jumps.
 */
export function Topbar() {
  const email = useAppState((state) => state.user?.email ?? "");
  const onAccount = useAppState((state) => state.route.name === "account");
  return (
    <header className="topbar">
      <div className="topbar-sync">
        <ConnectionStatus />
        <PendingWrites />
      </div>
      <nav className="topbar-account" aria-label="Account">
        <span className="user-email" data-testid="user-email" title={email}>
          {email}
        </span>
        {onAccount ? (
          <RouteLink to={{ name: "todos" }} className="topbar-link" testId="list-link">
            Your list
          </RouteLink>
        ) : (
          <RouteLink to={{ name: "account" }} className="topbar-link" testId="account-link">
            Account
          </RouteLink>
        )}
        <SignOutButton />
      </nav>
    </header>
  );
}
