/**
 * @tandem/gateway: WebSocket fan-out by tags and socket ids, across instances through a bus.
 * No HTTP framework and no storage: the application authenticates upgrades and replays history.
 */
export { createGateway, Gateway } from "./Gateway.js";
export type { GatewayStats } from "./GatewayStats.js";
export {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_CONNECTIONS_PER_KEY,
  DEFAULT_MAX_INBOUND_PER_SECOND,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_MAX_QUEUED_MESSAGES,
  DEFAULT_PATH,
  DEFAULT_PING_INTERVAL_MS,
  type AuthGrant,
  type AuthRefusal,
  type AuthResult,
  type GatewayOptions,
  type QueuedFilter,
  type QueuedMessage,
} from "./GatewayOptions.js";
export type { GatewaySocket } from "./GatewaySocket.js";
export { HEARTBEAT_TICK_MS } from "./heartbeat.js";
export { parseBusMessage, type Bus, type BusCloseMessage, type BusMessage, type BusSendMessage } from "./Bus.js";
export { MemoryBus } from "./MemoryBus.js";
export {
  DEFAULT_REDIS_CHANNEL,
  DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
  DEFAULT_REDIS_MAX_RETRY_DELAY_MS,
  RedisBus,
  type RedisBusOptions,
} from "./RedisBus.js";
export { ReceiverIndex, normalizeReceivers, type Addressable, type ReceiversInput } from "./receivers.js";
export { silentLogger, type Logger } from "./Logger.js";
