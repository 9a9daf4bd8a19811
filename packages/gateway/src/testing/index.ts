/** Helpers for tests that need real sockets or a real Redis: `@tandem/gateway/testing`. */
export {
  connect,
  deferred,
  listen,
  refusal,
  UpgradeRefused,
  waitFor,
  type CloseEvent,
  type ListeningGateway,
  type TestClient,
} from "./gatewayHarness.js";
export { testAuthenticate, type TestSocketData } from "./testAuthenticate.js";
