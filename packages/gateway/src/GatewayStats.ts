import type { Bus } from "./Bus.js";

/** What a health check or a log line says about a gateway. */
export interface GatewayStats {
  /** Sockets open on this instance. */
  readonly sockets: number;
  /** Limit keys (users, sessions...) holding at least one socket. */
  readonly keys: number;
  /** Distinct tags across this instance's sockets. */
  readonly tags: number;
  readonly bus: { readonly kind: Bus["kind"]; readonly healthy: boolean };
  /** Whether an upgrade would be accepted now (bus healthy, not shutting down). */
  readonly accepting: boolean;
}
