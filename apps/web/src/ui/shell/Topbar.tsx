import { useAppState } from "../AppContext";
import { CachedListNote } from "./CachedListNote";
import { ConnectionStatus } from "./ConnectionStatus";
import { PendingWrites } from "./PendingWrites";
import { SignOutButton } from "./SignOutButton";

/** Above the list: the connection, unsaved writes, and who is signed in. Fixed height: no jumps. */
export function Topbar() {
  const email = useAppState((state) => state.user?.email ?? "");
  return (
    <div className="topbar">
      <div className="topbar-sync">
        <ConnectionStatus />
        <CachedListNote />
        <PendingWrites />
      </div>
      <div className="topbar-account">
        <span className="user-email" data-testid="user-email" title={email}>
          {email}
        </span>
        <SignOutButton />
      </div>
    </div>
  );
}
