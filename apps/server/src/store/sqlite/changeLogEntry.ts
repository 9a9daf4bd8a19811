import { CHANGE_EVENT_NAMES, deleteEvent, todoObject, upsertEvent } from "@tandem/protocol";
import type { ChangeEvent, ChangeEventName, DeviceId, Seq } from "@tandem/protocol";

/**
 * How the SQLite change log stores an event: only what its row's key (user id, seq) and the
 * event's constant parts do not already say, which halves a row (~200 bytes instead of ~420) so a
 * leaf of the log's B-tree holds twice the rows and splits half as often (docs/performance.md).
 * `fromLogEntry` rebuilds the event with the protocol's own builders, so a catch-up hands out
 * exactly what was sent live.
 *
 * In every event Tandem makes, the todo's `device` is the change's device (a write stamps the
 * todo with it), so one `d` stands for both.
 */
interface LogEntry {
  e: ChangeEventName;
  r: string;
  d: DeviceId | null;
  id: string;
  /** The todo as the change left it; absent for a delete. */
  text?: string;
  done?: boolean;
  createdAt?: string;
  updatedAt?: string;
  version?: number;
}

export function toLogEntry(event: ChangeEvent): string {
  const { meta, object } = event;
  // One `d` and the row's key stand for these; should they ever differ, say so rather than lose one.
  if (object.device !== meta.device || object.userId !== meta.userId) {
    throw new Error(`event ${meta.userId}/${meta.seq}: its todo's device or user differs from the change's`);
  }
  const entry: LogEntry = { e: meta.eventName, r: meta.requestId, d: meta.device, id: object.id };
  if ("text" in object) {
    entry.text = object.text;
    entry.done = object.done;
    entry.createdAt = object.createdAt;
    entry.updatedAt = object.updatedAt;
    entry.version = object.version;
  }
  return JSON.stringify(entry);
}

export function fromLogEntry(userId: string, seq: Seq, json: string): ChangeEvent {
  const entry: unknown = JSON.parse(json);
  if (!isLogEntry(entry)) throw new Error(`change log entry ${userId}/${seq} is malformed`);
  const ctx = { device: entry.d, requestId: entry.r };
  if (entry.e === "delete") return deleteEvent(userId, entry.id, seq, ctx);
  if (!hasTodo(entry)) throw new Error(`change log entry ${userId}/${seq} lacks its todo`);
  const todo = todoObject({
    id: entry.id,
    text: entry.text,
    done: entry.done,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
    device: entry.d,
    userId,
    version: entry.version,
  });
  return upsertEvent(entry.e, todo, seq, ctx);
}

const isString = (value: unknown): value is string => typeof value === "string";

/** The parts every entry has. The rows are this store's own, but a bad one must fail, not reach clients. */
function isLogEntry(value: unknown): value is LogEntry {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    (CHANGE_EVENT_NAMES as readonly unknown[]).includes(v.e) &&
    isString(v.r) &&
    (v.d === null || isString(v.d)) &&
    isString(v.id)
  );
}

function hasTodo(entry: LogEntry): entry is Required<LogEntry> {
  return (
    isString(entry.text) &&
    typeof entry.done === "boolean" &&
    isString(entry.createdAt) &&
    isString(entry.updatedAt) &&
    Number.isInteger(entry.version)
  );
}
