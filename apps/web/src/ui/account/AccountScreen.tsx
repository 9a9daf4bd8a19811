import { useEffect } from "react";
import { useServices } from "../AppContext";
import { Topbar } from "../shell/Topbar";
import { useFocusOnMount } from "../useFocusOnMount";
import { ChangePasswordSection } from "./ChangePasswordSection";
import { DeleteAccountSection } from "./DeleteAccountSection";
import { DevicesSection } from "./DevicesSection";
import { ExportSection } from "./ExportSection";
import { TokensSection } from "./TokensSection";
import { WebhooksSection } from "./WebhooksSection";

/** Where you are signed in, and the controls that go with it. The roster is live while this is open. */
export function AccountScreen() {
  const { account } = useServices();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  useEffect(() => account.watchRoster(), [account]);
  return (
    <div className="page">
      <Topbar />
      <main className="account" aria-labelledby="account-title" data-testid="account-page">
        <h1 id="account-title" className="account-title" ref={heading} tabIndex={-1}>
          Your account
        </h1>
        <DevicesSection />
        <ChangePasswordSection />
        <TokensSection />
        <WebhooksSection />
        <ExportSection />
        <DeleteAccountSection />
      </main>
    </div>
  );
}
