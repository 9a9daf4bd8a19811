import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createAccountApi } from "./api/accountApi";
import { registerSW } from "virtual:pwa-register";
import { createAuthApi } from "./api/authApi";
import { createHttpClient } from "./api/http";
import { createTodosApi } from "./api/todosApi";
import { createWebhooksApi } from "./api/webhooksApi";
import { createGrantFetcher } from "./api/websocketApi";
import { browserDeviceId } from "./deviceId";
import { followBrowserHistory } from "./browserHistory";
import { browserEnvironment } from "./environment";
import { Account } from "./account/Account";
import { createAppUpdate, withoutServiceWorker } from "./appUpdate";
import { createAppState } from "./state/appState";
import { openBrowserDb } from "./storage/browserDb";
import { browserStorage } from "./storage/browserStorage";
import { openBrowserSocket } from "./sync/socket";
import { browserTabCoordination } from "./sync/tabChannel";
import { App } from "./ui/App";
import { AppProvider, type AppServices } from "./ui/AppContext";
import { guardUnsavedChanges } from "./unsavedChangesGuard";
import "./styles.css";

// Everything is built here, once, outside React: StrictMode's double-run effects must not
// open two sockets or restore the session twice.
const deviceId = browserDeviceId();
const http = createHttpClient({ deviceId });
const appState = createAppState();
const db = openBrowserDb();
const account = new Account({
  appState,
  auth: createAuthApi(http),
  todos: createTodosApi(http),
  account: createAccountApi(http),
  fetchGrant: createGrantFetcher(http),
  openSocket: openBrowserSocket,
  deviceId,
  env: browserEnvironment(),
  tabs: browserTabCoordination(),
  storage: browserStorage(db),
});
const reloadPage = () => window.location.reload();
const appUpdate =
  "serviceWorker" in navigator
    ? createAppUpdate({ register: registerSW, reloadPage, every: (ms, fn) => void window.setInterval(fn, ms) })
    : withoutServiceWorker(reloadPage);
const services: AppServices = { appState, account, webhooks: createWebhooksApi(http), appUpdate, reload: () => appUpdate.reload() };
// Writes are kept in IndexedDB across a closed page; only where it is missing (or refused one) do they live in memory.
let noDatabase = false;
void db.then((opened) => {
  noDatabase = opened === null;
});
guardUnsavedChanges(appState, () => noDatabase || account.writesOnlyInThisTab());
followBrowserHistory(appState);
void account.restore();

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <AppProvider services={services}>
        <App />
      </AppProvider>
    </StrictMode>,
  );
}
