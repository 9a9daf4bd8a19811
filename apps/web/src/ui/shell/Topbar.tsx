import { useAppState } from "../AppContext";
import { RouteLink } from "../RouteLink";
import { CachedListNote } from "./CachedListNote";
import { ConnectionStatus } from "./ConnectionStatus";
import { OutageNotice } from "./OutageNotice";
import { PendingWrites } from "./PendingWrites";
import { SignOutButton } from "./SignOutButton";

/**
 * The page's banner: the product's name and who is signed in, then the connection and unsaved
 * writes, then (during an outage) what that means. Every row wraps rather than cutting text
 * off, at any width.
 */
export function Topbar() {
  const email = useAppState((state) => state.user?.email ?? "");
  const onAccount = useAppState((state) => state.route.name === "account");
  return (
    <header className="topbar" data-testid="topbar">
      <div className="topbar-account">
        <p className="topbar-brand">Tandem</p>
        <span className="user-email" data-testid="user-email">
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
      </div>
      <div className="topbar-sync">
        <ConnectionStatus />
        <CachedListNote />
        <PendingWrites />
      </div>
      <OutageNotice />
    </header>
  );
}
