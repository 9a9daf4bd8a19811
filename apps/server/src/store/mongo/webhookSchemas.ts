import { Schema, type Types } from "mongoose";

/** The outbound webhooks' documents (see WebhookStorage), with the indexes their queries use. */
const COMMON = {
  strict: "throw",
  strictQuery: "throw",
  bufferCommands: false,
  autoCreate: false,
  autoIndex: false,
  versionKey: false,
} as const;

export interface WebhookEndpointDoc {
  /** A UUID. */
  _id: string;
  userId: Types.ObjectId;
  url: string;
  description: string;
  secret: string;
  createdAt: Date;
  disabledAt: Date | null;
  disabledReason: string | null;
  failingSince: Date | null;
  lastAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  /** How many deliveries its outbox holds. Every change that queues one writes this document, so it conflicts with a concurrent completion. */
  pending: number;
  /** When the head of its queue may be tried; null when the queue is empty or it is disabled. */
  dueAt: Date | null;
  leaseOwner: string | null;
  leaseUntil: Date | null;
}

export const webhookEndpointSchema = new Schema<WebhookEndpointDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, ref: "User", required: true },
    url: { type: String, required: true },
    description: { type: String, default: "" },
    secret: { type: String, required: true },
    createdAt: { type: Date, required: true },
    disabledAt: { type: Date, default: null },
    disabledReason: { type: String, default: null },
    failingSince: { type: Date, default: null },
    lastAttemptAt: { type: Date, default: null },
    lastStatus: { type: Number, default: null },
    lastError: { type: String, default: null },
    pending: { type: Number, required: true, default: 0, min: 0 },
    dueAt: { type: Date, default: null },
    leaseOwner: { type: String, default: null },
    leaseUntil: { type: Date, default: null },
  },
  { ...COMMON, collection: "webhook_endpoints" },
);
webhookEndpointSchema.index({ userId: 1, createdAt: 1 });
webhookEndpointSchema.index({ dueAt: 1 });

export interface WebhookOutboxDoc {
  _id: Types.ObjectId;
  endpointId: string;
  seq: number;
  body: string;
  /** Attempts made so far. */
  attempts: number;
}

export const webhookOutboxSchema = new Schema<WebhookOutboxDoc>(
  {
    endpointId: { type: String, required: true },
    seq: { type: Number, required: true, min: 1 },
    body: { type: String, required: true },
    attempts: { type: Number, required: true, default: 0 },
  },
  { ...COMMON, collection: "webhook_outbox" },
);
// The head of an endpoint's queue; unique, so an event is never queued twice for one endpoint.
webhookOutboxSchema.index({ endpointId: 1, seq: 1 }, { unique: true });

export interface WebhookAttemptDoc {
  _id: Types.ObjectId;
  endpointId: string;
  seq: number;
  attempt: number;
  at: Date;
  status: number | null;
  error: string | null;
  durationMs: number;
  responseBody: string | null;
  nextRetryAt: Date | null;
}

export const webhookAttemptSchema = new Schema<WebhookAttemptDoc>(
  {
    endpointId: { type: String, required: true },
    seq: { type: Number, required: true },
    attempt: { type: Number, required: true },
    at: { type: Date, required: true },
    status: { type: Number, default: null },
    error: { type: String, default: null },
    durationMs: { type: Number, required: true },
    responseBody: { type: String, default: null },
    nextRetryAt: { type: Date, default: null },
  },
  { ...COMMON, collection: "webhook_attempts" },
);
webhookAttemptSchema.index({ endpointId: 1, _id: -1 });
